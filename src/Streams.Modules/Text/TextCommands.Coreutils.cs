using Streams.Components;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>The coreutils-style commands: cat, echo, printf, tr, cut, sort, uniq, wc, head, tail, tee, seq,
/// rev, tac, nl, paste, yes, true, false and pv.</summary>
public static partial class TextCommands
{
    static partial void AddCoreutils(ComponentRegistry registry)
    {
        AddCoreutil(registry, "cat", "concatenate files to standard output", CatCommand.HelpText, () => new CatCommand());
        AddCoreutil(registry, "echo", "write arguments to standard output (GNU /bin/echo)", EchoCommand.HelpText, () => new EchoCommand());
        AddCoreutil(registry, "printf", "format and print data", PrintfCommand.HelpText, () => new PrintfCommand());
        AddCoreutil(registry, "tr", "translate, squeeze or delete bytes", TrCommand.HelpText, () => new TrCommand());
        AddCoreutil(registry, "cut", "print selected bytes or fields of each line", CutCommand.HelpText, () => new CutCommand());
        AddCoreutil(registry, "sort", "sort lines of text", SortCommand.HelpText, () => new SortCommand());
        AddCoreutil(registry, "uniq", "report or omit repeated lines", UniqCommand.HelpText, () => new UniqCommand());
        AddCoreutil(registry, "wc", "count newlines, words and bytes", WcCommand.HelpText, () => new WcCommand());
        AddCoreutil(registry, "head", "output the first part of files", HeadCommand.HelpText, () => new HeadCommand());
        AddCoreutil(registry, "tail", "output the last part of files, or follow them", TailCommand.HelpText, () => new TailCommand());
        AddCoreutil(registry, "tee", "copy standard input to standard output and files", TeeCommand.HelpText, () => new TeeCommand());
        AddCoreutil(registry, "seq", "print a sequence of numbers", SeqCommand.HelpText, () => new SeqCommand());
        AddCoreutil(registry, "rev", "reverse the bytes of each line", RevCommand.HelpText, () => new RevCommand());
        AddCoreutil(registry, "tac", "concatenate files, last line first", TacCommand.HelpText, () => new TacCommand());
        AddCoreutil(registry, "nl", "number lines of files", NlCommand.HelpText, () => new NlCommand());
        AddCoreutil(registry, "paste", "merge lines of files", PasteCommand.HelpText, () => new PasteCommand());
        AddCoreutil(registry, "yes", "output a string repeatedly until stopped", YesCommand.HelpText, () => new YesCommand());
        AddCoreutil(registry, "true", "do nothing, successfully", TrueFalseCommand.TrueHelp, () => new TrueFalseCommand(true));
        AddCoreutil(registry, "false", "do nothing, unsuccessfully", TrueFalseCommand.FalseHelp, () => new TrueFalseCommand(false));
        AddCoreutil(registry, "pv", "copy standard input to standard output, reporting throughput", PvCommand.HelpText, () => new PvCommand());
    }

    private static void AddCoreutil(ComponentRegistry registry, string name, string summary, string help, Func<PipelineStage> create)
        => registry.Add(new ComponentDescriptor { Name = name, Summary = summary, Help = help, CreateCommand = _ => create() });
}
