using System.Security.Cryptography;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>The files sed opens besides its input: <c>w</c>/<c>W</c> outputs, <c>R</c> inputs, and the temporary
/// file of <c>-i</c>.</summary>
internal sealed partial class SedCommand
{
    private readonly Dictionary<string, SedOutput> _outputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SedReadFile> _reads = new(StringComparer.Ordinal);
    private SedReadFile? _stdin;
    private bool _stdinIsInput;
    private bool _stderrUsed;
    private string? _editName;
    private string? _editPath;
    private string? _editTemp;

    /// <summary>Standard input for <c>r /dev/stdin</c> and <c>R /dev/stdin</c>; empty when it is also the input
    /// being edited (two readers of one pipe would take each other's bytes).</summary>
    private SedReadFile StandardInput(StageContext context) => _stdin ??= SedReadFile.Over("/dev/stdin", _stdinIsInput ? null : context.Input);

    /// <summary>The output of <c>w NAME</c>, opened (truncated) on first use, as GNU does while parsing.</summary>
    /// <exception cref="StageFailedException">The file cannot be opened (status 4, GNU's message).</exception>
    private SedOutput OpenOutput(StageContext context, string name)
    {
        if (_outputs.TryGetValue(name, out SedOutput? existing))
        {
            return existing;
        }

        SedOutput output;
        if (name == "/dev/stdout")
        {
            // GNU's special file: the same stream as the output, with a missing-newline flag of its own.
            output = new SedOutput(name, context.Output);
        }
        else if (name == "/dev/stderr")
        {
            output = new SedOutput(name, context.Error);
            _stderrUsed = true;
        }
        else
        {
            string path = context.ResolvePath(name);
            try
            {
                output = new SedOutput(name, new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 4096));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StageFailedException($"sed: couldn't open file {name}: {Reason(ex, path)}", 4);
            }
        }

        _outputs.Add(name, output);
        return output;
    }

    /// <summary>The reader of <c>R NAME</c>, opened on first use; a file that cannot be read reads as empty.</summary>
    private SedReadFile OpenRead(StageContext context, string name)
    {
        if (name == "/dev/stdin")
        {
            return StandardInput(context);
        }

        if (!_reads.TryGetValue(name, out SedReadFile? reader))
        {
            reader = SedReadFile.Open(name, context.ResolvePath(name));
            _reads.Add(name, reader);
        }

        return reader;
    }

    /// <summary>Rewinds the <c>R</c> files, as GNU does when a new input file starts with <c>-s</c> or <c>-i</c>.</summary>
    private async ValueTask RewindReadFilesAsync()
    {
        foreach (SedReadFile reader in _reads.Values)
        {
            await reader.RewindAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Flushes and closes every file; removes the temporary file of an edit that did not finish.</summary>
    private async ValueTask CloseFilesAsync(StageContext context)
    {
        foreach (SedOutput output in _outputs.Values)
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }

        foreach (SedReadFile reader in _reads.Values)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }

        if (_editTemp is not null)
        {
            await _out.DisposeAsync().ConfigureAwait(false);
            File.Delete(_editTemp);
            _editTemp = null;
        }

        if (_stderrUsed)
        {
            await context.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary><c>-i</c>: the output goes to a new file in the directory of the file being read.</summary>
    private ValueTask BeginEditAsync(string name, string path)
    {
        string directory = Path.GetDirectoryName(path) ?? ".";
        while (true)
        {
            // GNU's mkstemp template "sedXXXXXX", in the same directory so that the rename cannot cross devices.
            string candidate = Path.Combine(directory, "sed" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6));
            try
            {
                var file = new FileStream(candidate, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
                (_editName, _editPath, _editTemp) = (name, path, candidate);
                _out = new SedOutput(name, file);
                return default;
            }
            catch (IOException) when (File.Exists(candidate))
            {
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                string shown = Path.Combine(Path.GetDirectoryName(name) is { Length: > 0 } d ? d : ".", Path.GetFileName(candidate));
                throw new StageFailedException($"sed: couldn't open temporary file {shown}: {Reason(ex, candidate)}", 4);
            }
        }
    }

    /// <summary><c>-i</c>, at the end of a file: the new file takes the old one's permission bits and its name;
    /// with a suffix the old one is kept under the backup name first.</summary>
    private async ValueTask EndEditAsync()
    {
        if (_editTemp is null)
        {
            return;
        }

        string name = _editName!;
        string path = _editPath!;
        string temp = _editTemp;
        await _out.DisposeAsync().ConfigureAwait(false);
        _out = new SedOutput("-", _context.Output);
        _editTemp = null;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            // GNU: a suffix without '*' is appended to the name; each '*' stands for the name as given.
            string template = _inPlaceSuffix!.Contains('*', StringComparison.Ordinal) ? _inPlaceSuffix : "*" + _inPlaceSuffix;
            if (template != "*")
            {
                string backup = _context.ResolvePath(template.Replace("*", name, StringComparison.Ordinal));
                Rename(path, backup, name);
            }

            Rename(temp, path, name);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void Rename(string from, string to, string name)
    {
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StageFailedException($"sed: cannot rename {name}: {Reason(ex, to)}", 4);
        }
    }

    /// <summary>The C library's wording for why <paramref name="path"/> could not be opened or renamed.</summary>
    private static string Reason(Exception ex, string path) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        _ when Directory.Exists(path) => "Is a directory",
        UnauthorizedAccessException => "Permission denied",
        _ => ex.Message,
    };
}
