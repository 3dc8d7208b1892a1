using System.IO.Pipelines;

namespace Streams.Shell.Execution;

/// <summary>The shell's own stdin, stdout and stderr.</summary>
/// <remarks>
/// <para>Stdout and stderr are <see cref="LockedStream"/>s: each stage gets its own <see cref="PipeWriter"/>
/// over them, so stages never share a writer, and a write that fails because the reader of stdout has gone
/// (EPIPE) becomes a quiet broken pipe.</para>
/// <para>Stdin stays a plain stream: each pipeline that reads it gets its own reader, and the shell reads its
/// commands from it one byte at a time, so that it never takes input meant for a command (as sh does).</para>
/// </remarks>
internal sealed class ShellStdio
{
    public ShellStdio(Stream input, Stream output, Stream error, bool realDescriptors, bool inputIsTerminal)
    {
        Input = new PushbackStream(input);
        Output = new LockedStream(output);
        Error = new LockedStream(error);
        RealDescriptors = realDescriptors;
        InputIsTerminal = inputIsTerminal;
    }

    /// <summary>Stdin, to which pipelines give back what they read ahead and did not use.</summary>
    public PushbackStream Input { get; }

    public LockedStream Output { get; }

    public LockedStream Error { get; }

    /// <summary>Whether the streams are the process's file descriptors 0, 1 and 2, which child processes may
    /// inherit directly.</summary>
    public bool RealDescriptors { get; }

    /// <summary>Whether stdin is a terminal (the line editor reads it; children may inherit it).</summary>
    public bool InputIsTerminal { get; }

    /// <summary>Reads one line of commands from stdin, byte by byte (without its newline); null at the end.</summary>
    public string? ReadLine(CancellationToken cancellationToken = default)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        while (true)
        {
            // A blocking read of one byte: nothing else waits on this thread, and a task per byte would be slow.
            cancellationToken.ThrowIfCancellationRequested();
            int read = Input.Read(one, 0, 1);
            if (read == 0)
            {
                return line.Count == 0 ? null : System.Text.Encoding.UTF8.GetString(line.ToArray());
            }

            if (one[0] == (byte)'\n')
            {
                return System.Text.Encoding.UTF8.GetString(line.ToArray());
            }

            line.Add(one[0]);
        }
    }

    public static PipeWriter CreateWriter(Stream stream, bool leaveOpen = true)
        => PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 65536, leaveOpen: leaveOpen));

    /// <summary>Writes text to the shell's stderr at once (shell messages such as "command not found").</summary>
    public void WriteError(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        try
        {
            Error.Write(bytes, 0, bytes.Length);
            Error.Flush();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes text to the shell's stdout at once.</summary>
    public void WriteOutput(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        try
        {
            Output.Write(bytes, 0, bytes.Length);
            Output.Flush();
        }
        catch (IOException)
        {
        }
    }
}
