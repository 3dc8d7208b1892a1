using System.Buffers;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>echo [-neE] [STRING]...</c>: GNU coreutils echo (not the shell builtin).</summary>
internal sealed class EchoCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: echo [SHORT-OPTION]... [STRING]...
        Echo the STRING(s) to standard output.

          -n             do not output the trailing newline
          -e             enable interpretation of backslash escapes
          -E             disable interpretation of backslash escapes (default)
              --help     display this help and exit

        If -e is in effect, the following sequences are recognized:

          \\      backslash
          \a      alert (BEL)
          \b      backspace
          \c      produce no further output
          \e      escape
          \f      form feed
          \n      new line
          \r      carriage return
          \t      horizontal tab
          \v      vertical tab
          \0NNN   byte with octal value NNN (1 to 3 digits)
          \xHH    byte with hexadecimal value HH (1 to 2 digits)
        """;

    /// <inheritdoc />
    public override string Name => "echo";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<string> args = context.Arguments;
        if (args.Count == 1 && args[0] == "--help")
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        bool newline = true, escapes = false;
        int first = 0;
        for (; first < args.Count; first++)
        {
            string a = args[first];
            if (a.Length < 2 || a[0] != '-' || a.AsSpan(1).IndexOfAnyExcept("neE") >= 0)
            {
                break;
            }

            foreach (char c in a.AsSpan(1))
            {
                switch (c)
                {
                    case 'n': newline = false; break;
                    case 'e': escapes = true; break;
                    default: escapes = false; break;
                }
            }
        }

        var output = new List<byte>();
        for (int k = first; k < args.Count; k++)
        {
            if (k > first)
            {
                output.Add((byte)' ');
            }

            byte[] text = Encoding.UTF8.GetBytes(args[k]);
            if (!escapes)
            {
                output.AddRange(text);
                continue;
            }

            for (int i = 0; i < text.Length;)
            {
                if (text[i] != '\\' || i + 1 >= text.Length)
                {
                    output.Add(text[i++]);
                    continue;
                }

                i++;
                if (!Escapes.Append(output, text, ref i, octalZero: true, echo: true))
                {
                    context.Output.Write(output.ToArray());
                    await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                    return 0;
                }
            }
        }

        if (newline)
        {
            output.Add((byte)'\n');
        }

        context.Output.Write(output.ToArray());
        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return 0;
    }
}
