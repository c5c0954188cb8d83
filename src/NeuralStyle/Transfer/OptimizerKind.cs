namespace NeuralStyle.Transfer;

public enum OptimizerKind { Lbfgs, Adam }
