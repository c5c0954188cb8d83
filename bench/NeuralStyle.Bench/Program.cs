using NeuralStyle.Bench.Commands;
using NeuralStyle.Cli;
using NeuralStyle.Runtime;

// neural-style-bench: the same process setup as neural-style (see src/NeuralStyle.Cli/Program.cs).
OpenMpWaitPolicy.PreferPassive();
Signals.Install();
return CliApp.Run(BenchCommand.Create(), args);
