namespace NeuralStyle.Bench;
