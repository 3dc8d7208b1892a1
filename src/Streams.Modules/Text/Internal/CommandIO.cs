using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Plumbing shared by the coreutils commands: opening inputs, GNU-style messages, help.</summary>
internal static class CommandIO
{
    /// <summary>Opens <paramref name="name"/> for reading (<c>-</c> and <c>/dev/stdin</c> are standard input), or returns null after
    /// writing <c>cmd: WHAT: reason</c> to standard error, where WHAT is <paramref name="format"/> with the name
    /// in place of <c>{0}</c> (GNU wording differs between commands).</summary>
    /// <remarks>The caller completes a returned reader unless it is <see cref="StageContext.Input"/>.</remarks>
    public static async ValueTask<PipeReader?> OpenAsync(StageContext context, string command, string name, string format = "{0}")
    {
        if (name == "-" || StandardNames.IsInput(name))
        {
            return context.Input;
        }

        string? reason = null;
        try
        {
            string path = context.ResolvePath(name);
            if (Directory.Exists(path))
            {
                reason = "Is a directory";
            }
            else
            {
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                return PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: StageIO.BatchSize, minimumReadSize: StageIO.BatchSize / 2));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reason = Reason(ex);
        }

        await context.WriteErrorLineAsync($"{command}: {format.Replace("{0}", name, StringComparison.Ordinal)}: {reason}").ConfigureAwait(false);
        return null;
    }

    /// <summary>Completes <paramref name="reader"/> unless it is standard input.</summary>
    public static ValueTask CloseAsync(StageContext context, PipeReader reader)
        => ReferenceEquals(reader, context.Input) ? default : reader.CompleteAsync();

    /// <summary>The strerror text for an I/O exception.</summary>
    public static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ when Directory.Exists(ex.Message) => "Is a directory",
        _ => ex.Message,
    };

    /// <summary>Why a write failed, as <c>strerror</c> says it (<c>No space left on device</c>).</summary>
    public static string WriteReason(IOException ex) => ex switch
    {
        WriteErrorException write => write.Reason,
        { HResult: > 0 and < 4096 } => Marshal.GetPInvokeErrorMessage(ex.HResult),
        _ => ex.Message,
    };

    /// <summary>Writes <c>cmd: message</c> and <c>Try 'cmd --help' …</c>, and returns <paramref name="status"/>.</summary>
    public static async ValueTask<int> UsageAsync(StageContext context, string command, string message, int status = 1)
    {
        await context.WriteErrorLineAsync($"{command}: {message}").ConfigureAwait(false);
        await context.WriteErrorLineAsync($"Try '{command} --help' for more information.").ConfigureAwait(false);
        return status;
    }

    /// <summary>Writes <c>cmd: message</c> and returns <paramref name="status"/>.</summary>
    public static async ValueTask<int> FailAsync(StageContext context, string command, string message, int status = 1)
    {
        await context.WriteErrorLineAsync($"{command}: {message}").ConfigureAwait(false);
        return status;
    }

    /// <summary>Prints <paramref name="help"/> to standard output and returns 0.</summary>
    public static async ValueTask<int> HelpAsync(StageContext context, string help)
    {
        context.Output.WriteUtf8(help.EndsWith('\n') ? help : help + "\n");
        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>An argument as the bytes the shell would pass to a program (UTF-8).</summary>
    public static byte[] ArgumentBytes(string argument) => Encoding.UTF8.GetBytes(argument);

    /// <summary>Writes <paramref name="value"/> in decimal, right-aligned in <paramref name="width"/> with
    /// <paramref name="pad"/>.</summary>
    public static void WriteNumber(PipeWriter writer, long value, int width = 0, byte pad = (byte)' ')
    {
        Span<byte> digits = stackalloc byte[24];
        int n = 0;
        ulong v = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        do
        {
            digits[n++] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        while (v != 0);
        if (value < 0)
        {
            digits[n++] = (byte)'-';
        }

        int total = Math.Max(n, width);
        Span<byte> span = writer.GetSpan(total);
        int at = 0;
        for (; at < total - n; at++)
        {
            span[at] = pad;
        }

        for (int i = n - 1; i >= 0; i--)
        {
            span[at++] = digits[i];
        }

        writer.Advance(total);
    }

    /// <summary>Writes <paramref name="bytes"/> then, when <paramref name="terminator"/> is not negative, that byte.</summary>
    public static void WriteLine(PipeWriter writer, ReadOnlySpan<byte> bytes, int terminator = '\n')
    {
        int total = bytes.Length + (terminator >= 0 ? 1 : 0);
        Span<byte> span = writer.GetSpan(total);
        bytes.CopyTo(span);
        if (terminator >= 0)
        {
            span[bytes.Length] = (byte)terminator;
        }

        writer.Advance(total);
    }
}
