using NeuralStyle.Cli;
using NeuralStyle.Runtime;

// Before anything loads libtorch (and its libgomp): waiting threads sleep instead of spinning.
OpenMpWaitPolicy.PreferPassive();
// Ctrl-C, SIGTERM, SIGHUP, SIGQUIT: see Signals (System.CommandLine's own handling is off, see CliApp).
Signals.Install();
return CliApp.Run(args);
