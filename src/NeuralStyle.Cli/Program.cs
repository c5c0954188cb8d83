using NeuralStyle.Cli;

// OpenMP's wait policy is set by the library itself when it loads (NeuralStyle.Runtime.LibraryInitializer).
// Ctrl-C, SIGTERM, SIGHUP, SIGQUIT: see Signals (System.CommandLine's own handling is off, see CliApp).
Signals.Install();
return CliApp.Run(args);
