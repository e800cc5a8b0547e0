using ChatFlows.Bot.Cli;

// The one executable: `chatflows run|validate …` works offline on workflow files.
return await CommandLine.RunAsync(args, Console.Out, Console.Error);
