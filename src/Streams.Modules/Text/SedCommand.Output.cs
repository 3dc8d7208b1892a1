using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>Output beyond the pattern space: the append queue (<c>a</c>, <c>r</c>, <c>R</c>), <c>l</c>, and the
/// shell commands of <c>e</c>.</summary>
internal sealed partial class SedCommand
{
    /// <summary>GNU's <c>dump_append_queue</c>: the pending terminator, then the queued texts and files as they
    /// are (a file's missing last newline is not added). Without <paramref name="always"/> nothing happens when
    /// the queue is empty; <c>q</c> dumps always, so that its output ends with a newline.</summary>
    private async ValueTask DumpAppendAsync(bool always = false)
    {
        if (_append.Count == 0 && !always)
        {
            return;
        }

        _out.EndMissingLine(_delimiter);
        foreach ((string? text, string? file) in _append)
        {
            if (text is not null)
            {
                _out.WriteText(text);
            }
            else
            {
                await CopyFileAsync(file!).ConfigureAwait(false);
            }
        }

        _append.Clear();
    }

    /// <summary>Writes a file's bytes to the output (<c>r</c>); one that cannot be read is taken as empty (POSIX).</summary>
    private async ValueTask CopyFileAsync(string name)
    {
        if (name == "/dev/stdin")
        {
            _out.Write(await StandardInput(_context).ReadToEndAsync(_context.CancellationToken).ConfigureAwait(false));
            return;
        }

        FileStream file;
        try
        {
            file = new FileStream(_context.ResolvePath(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        await using (file.ConfigureAwait(false))
        {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = await ReadSomeAsync(file, buffer).ConfigureAwait(false)) > 0)
            {
                _out.Write(buffer.AsSpan(0, n));
                if (_out.Writer is { } writer)
                {
                    await writer.MaybeFlushAsync(_context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async ValueTask<int> ReadSomeAsync(FileStream file, byte[] buffer)
    {
        try
        {
            return await file.ReadAsync(buffer, _context.CancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A directory, or a file that fails mid-way: GNU copies what it could read.
            return 0;
        }
    }

    /// <summary>The text of <c>i</c> or <c>c</c>, ended by the delimiter (GNU's <c>output_line</c>). An empty text
    /// (<c>i\</c> at the end of the script) writes nothing but a pending newline.</summary>
    private void WriteText(string text)
    {
        if (text.Length > 0)
        {
            _out.WriteLine(text, true, _delimiter);
        }
        else
        {
            _out.EndMissingLine(_delimiter);
        }
    }

    /// <summary>A line number (<c>=</c>) or file name (<c>F</c>) and the delimiter.</summary>
    private void WriteInfo(string text)
    {
        _out.EndMissingLine(_delimiter);
        _out.WriteText(text);
        _out.Write([_delimiter]);
    }

    /// <summary><c>l</c>: the pattern space with C escapes (<c>\\</c>, <c>\a \b \f \n \r \t \v</c>, three octal
    /// digits for other unprintable bytes), wrapped with <c>\</c> so that no output line reaches
    /// <paramref name="width"/> characters (0: never), and <c>$</c> at the end; each line ends with the
    /// delimiter.</summary>
    private void WriteList(string space, int width)
    {
        var text = new StringBuilder(space.Length + 16);
        int column = 0;
        Span<char> escape = stackalloc char[4];
        foreach (char ch in space)
        {
            int length;
            if (ch is >= ' ' and < '\x7f' and not '\\')
            {
                escape[0] = ch;
                length = 1;
            }
            else
            {
                escape[0] = '\\';
                char letter = ch switch
                {
                    '\\' => '\\',
                    '\a' => 'a',
                    '\b' => 'b',
                    '\f' => 'f',
                    '\n' => 'n',
                    '\r' => 'r',
                    '\t' => 't',
                    '\v' => 'v',
                    _ => '\0',
                };
                if (letter != '\0')
                {
                    escape[1] = letter;
                    length = 2;
                }
                else
                {
                    escape[1] = (char)('0' + ((ch >> 6) & 7));
                    escape[2] = (char)('0' + ((ch >> 3) & 7));
                    escape[3] = (char)('0' + (ch & 7));
                    length = 4;
                }
            }

            if (width > 0 && column + length >= width)
            {
                text.Append('\\').Append((char)_delimiter);
                column = 0;
            }

            text.Append(escape[..length]);
            column += length;
        }

        text.Append('$').Append((char)_delimiter);
        _out.EndMissingLine(_delimiter);
        _out.WriteText(text.ToString());
    }

    /// <summary>Runs <paramref name="command"/> with <c>sh -c</c> (as GNU's <c>popen</c>) in the stage's
    /// directory and environment, and returns its standard output as Latin-1 text.</summary>
    /// <remarks>The shell is started by the name <c>sh</c>, found in <c>$PATH</c> (normally <c>/bin/sh</c>), so
    /// that its messages start with <c>sh:</c> as under <c>popen</c>. The command gets an empty standard input
    /// (GNU's child shares sed's); its standard error is copied to the stage's once it ends. The command line is
    /// passed as UTF-8: bytes of the pattern space that are not valid UTF-8 do not reach the shell unchanged.</remarks>
    private async ValueTask<string> RunShellAsync(string command)
    {
        var start = new ProcessStartInfo("sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _context.WorkingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(command)));
        if (_context.Environment.Count > 0)
        {
            start.Environment.Clear();
            foreach (KeyValuePair<string, string> pair in _context.Environment)
            {
                start.Environment[pair.Key] = pair.Value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new StageFailedException("sed: error in subprocess", 4);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new StageFailedException("sed: error in subprocess", 4);
        }

        using (process)
        {
            try
            {
                process.StandardInput.Close();
                using var output = new MemoryStream();
                using var error = new MemoryStream();
                CancellationToken token = _context.CancellationToken;
                Task errors = process.StandardError.BaseStream.CopyToAsync(error, token);
                await process.StandardOutput.BaseStream.CopyToAsync(output, token).ConfigureAwait(false);
                await errors.ConfigureAwait(false);
                await process.WaitForExitAsync(token).ConfigureAwait(false);
                if (error.Length > 0)
                {
                    _context.Error.Write(error.GetBuffer().AsSpan(0, (int)error.Length));
                    await _context.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }

                return Encoding.Latin1.GetString(output.GetBuffer(), 0, (int)output.Length);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }

    /// <summary><c>e</c> without a command and the <c>s///e</c> flag: the pattern space becomes the output of
    /// running it, less one final delimiter.</summary>
    /// <remarks>GNU swaps the pattern space with its scratch buffer, "chomped" flag included: the result ends
    /// with a newline or not as the last substitution's line did (true at first). <see cref="_accumNewline"/>
    /// keeps that flag.</remarks>
    private async ValueTask<(string Space, bool Newline)> EvaluateAsync(string space, bool newline)
    {
        string result = await RunShellAsync(space).ConfigureAwait(false);
        if (result.Length > 0 && result[^1] == (char)_delimiter)
        {
            result = result[..^1];
        }

        (bool resultNewline, _accumNewline) = (_accumNewline, newline);
        return (result, resultNewline);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
