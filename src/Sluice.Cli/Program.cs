using Sluice.Cli;

return await SluiceCommandLine.RunAsync(args);
