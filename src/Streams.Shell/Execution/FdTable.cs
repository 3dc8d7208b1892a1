using System.Globalization;
using System.IO.Pipelines;
using Streams.Shell.Syntax;
using Streams.Transports.Files;

namespace Streams.Shell.Execution;

/// <summary>Where a descriptor of a command points.</summary>
internal enum FdKind
{
    /// <summary>The shell's own stdin.</summary>
    ShellInput,

    /// <summary>The shell's own stdout.</summary>
    ShellOutput,

    /// <summary>The shell's own stderr.</summary>
    ShellError,

    /// <summary>The pipe from the previous stage or to the next one.</summary>
    Pipe,

    /// <summary>A file opened by a redirection.</summary>
    File,

    /// <summary>Nothing: an empty input (a background job's stdin) or a discarded output (<c>&gt;&amp;-</c>).</summary>
    Empty,
}

/// <summary>One descriptor: its kind and, for pipes and files, the reader or writer; for an input file that is a
/// regular file, its size; for a file, its path.</summary>
internal readonly record struct Fd(FdKind Kind, PipeReader? Reader = null, PipeWriter? Writer = null, long? Length = null, string? Path = null);

/// <summary>The descriptors 0, 1 and 2 of one command, changed by its redirections from left to right, then
/// turned into the readers and writers of its stage.</summary>
internal sealed class FdTable
{
    private readonly PipeReader? _pipeIn;
    private readonly PipeWriter? _pipeOut;
    private readonly List<PipeReader> _fileReaders = [];
    private readonly List<PipeWriter> _fileWriters = [];

    public FdTable(bool background, PipeReader? pipeIn, PipeWriter? pipeOut)
    {
        _pipeIn = pipeIn;
        _pipeOut = pipeOut;
        Input = pipeIn is not null ? new Fd(FdKind.Pipe, pipeIn) : background ? new Fd(FdKind.Empty) : new Fd(FdKind.ShellInput);
        Output = pipeOut is not null ? new Fd(FdKind.Pipe, Writer: pipeOut) : new Fd(FdKind.ShellOutput);
        Error = new Fd(FdKind.ShellError);
    }

    public Fd Input { get; private set; }

    public Fd Output { get; private set; }

    public Fd Error { get; private set; }

    /// <summary>Applies the redirections; returns the message of the first that fails (the command then does
    /// not run), or null.</summary>
    public string? Apply(IReadOnlyList<RedirectionNode> redirections, ShellSession session)
    {
        foreach (RedirectionNode redirection in redirections)
        {
            string? target = Expander.ExpandTarget(redirection.Target, session);
            if (target is null)
            {
                return $"streams: {redirection.Target.Raw}: ambiguous redirect";
            }

            if (redirection.Fd > 2)
            {
                return $"streams: {redirection.Fd}: unsupported file descriptor (only 0, 1 and 2)";
            }

            try
            {
                switch (redirection.Kind)
                {
                    case RedirectionKind.Input:
                        if (redirection.Fd != 0)
                        {
                            return $"streams: {redirection.Fd}: cannot read from an output descriptor";
                        }

                        if (StandardFd(target) == 0)
                        {
                            // The command's own stdin, as in sh where /dev/stdin is the process's descriptor 0.
                            break;
                        }

                        string path = session.ResolvePath(target);
                        Stream read = Directory.Exists(path)
                            ? new DirectoryInputStream()
                            : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                        PipeReader reader = PipeReader.Create(read, new StreamPipeReaderOptions(bufferSize: 65536));
                        _fileReaders.Add(reader);
                        Input = new Fd(FdKind.File, reader, Length: FileTransport.RegularFileLength(path), Path: path);
                        break;
                    case RedirectionKind.Output:
                    case RedirectionKind.Append:
                        if (redirection.Fd == 0)
                        {
                            return "streams: 0: cannot write to the input descriptor";
                        }

                        if (StandardFd(target) is 1 or 2)
                        {
                            // The command's current stdout or stderr (its pipe to the next stage, say), not the
                            // shell's: in sh each command is a process whose /dev/stdout is its own descriptor 1.
                            Set(redirection.Fd, StandardFd(target) == 1 ? Output : Error);
                            break;
                        }

                        Set(redirection.Fd, OpenWrite(session.ResolvePath(target), redirection.Kind == RedirectionKind.Append ? FileMode.Append : FileMode.Create));
                        break;
                    case RedirectionKind.ReadWrite:
                        OpenReadWrite(redirection.Fd, session.ResolvePath(target));
                        break;
                    case RedirectionKind.Duplicate:
                        if (Duplicate(redirection.Fd, target, session) is { } error)
                        {
                            return error;
                        }

                        break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"streams: {target}: {Describe(ex, session.ResolvePath(target))}";
            }
        }

        return null;
    }

    private string? Duplicate(int fd, string target, ShellSession session)
    {
        if (target == "-")
        {
            if (fd == 0)
            {
                Input = new Fd(FdKind.Empty);
            }
            else
            {
                Set(fd, new Fd(FdKind.Empty));
            }

            return null;
        }

        if (target.Length > 0 && target.All(char.IsAsciiDigit) && !int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            // A descriptor number too large for an int is still a descriptor, and not open.
            return $"streams: {target}: Bad file descriptor";
        }

        if (!int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int source))
        {
            if (fd != 1)
            {
                return $"streams: {target}: ambiguous redirect";
            }

            // ">&file": stdout and stderr to the file.
            Fd file = OpenWrite(session.ResolvePath(target), FileMode.Create);
            Output = file;
            Error = file;
            return null;
        }

        if (source > 2 || (fd == 0) != (source == 0))
        {
            return $"streams: {source}: Bad file descriptor";
        }

        if (fd != 0)
        {
            Set(fd, source == 1 ? Output : Error);
        }

        return null;
    }

    // 0, 1 or 2 when the path names the command's own stdin, stdout or stderr; else -1.
    private static int StandardFd(string target) => target switch
    {
        "/dev/stdin" or "/dev/fd/0" => 0,
        "/dev/stdout" or "/dev/fd/1" => 1,
        "/dev/stderr" or "/dev/fd/2" => 2,
        _ => -1,
    };

    /// <summary><c>N&lt;&gt;FILE</c>: the file opened read-write (created when missing, not truncated), as stdin
    /// for 0 and as an output written from its start for 1 and 2, the one direction each descriptor has here.</summary>
    private void OpenReadWrite(int fd, string path)
    {
        if (fd != 0)
        {
            Set(fd, OpenWrite(path, FileMode.OpenOrCreate));
            return;
        }

        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        PipeReader reader = PipeReader.Create(file, new StreamPipeReaderOptions(bufferSize: 65536));
        _fileReaders.Add(reader);
        Input = new Fd(FdKind.File, reader, Length: FileTransport.RegularFileLength(path), Path: path);
    }

    private Fd OpenWrite(string path, FileMode mode)
    {
        var file = new FileStream(path, mode, mode == FileMode.OpenOrCreate ? FileAccess.ReadWrite : FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
        PipeWriter writer = ShellStdio.CreateWriter(new LockedStream(file, file: true), leaveOpen: false);
        _fileWriters.Add(writer);
        return new Fd(FdKind.File, Writer: writer, Path: path);
    }

    private void Set(int fd, Fd value)
    {
        if (fd == 1)
        {
            Output = value;
        }
        else
        {
            Error = value;
        }
    }

    private static string Describe(Exception ex, string path) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException when Directory.Exists(path) => "Is a directory",
        UnauthorizedAccessException => "Permission denied",
        _ when Directory.Exists(path) => "Is a directory",
        _ => ex.Message,
    };

    /// <summary>Completes the files opened (a command that has no stage).</summary>
    public void CloseFiles()
    {
        foreach (PipeWriter writer in _fileWriters)
        {
            writer.Complete();
        }

        foreach (PipeReader reader in _fileReaders)
        {
            reader.Complete();
        }
    }

    /// <summary>The stage's stdin, stdout and stderr, and what the stage must close when it ends (in order:
    /// wrappers before what they wrap).</summary>
    public (PipeReader Input, PipeWriter Output, PipeWriter Error, List<PipeWriter> Writers, List<PipeReader> Readers) Materialize(ShellStdio stdio, Func<PipeReader> shellInput)
    {
        var writers = new List<PipeWriter>();
        var readers = new List<PipeReader>();
        PipeReader input = Input.Kind switch
        {
            FdKind.ShellInput => shellInput(),
            FdKind.Empty => EmptyReader(),
            _ => Input.Reader!,
        };

        PipeWriter output, error;
        if (Output.Writer is { } shared && ReferenceEquals(shared, Error.Writer))
        {
            // stdout and stderr into the same pipe or file: two writers, one lock.
            var stream = new PipeWriterStream(shared);
            output = ShellStdio.CreateWriter(stream);
            error = ShellStdio.CreateWriter(stream);
            writers.Add(output);
            writers.Add(error);
        }
        else
        {
            output = Writer(Output, stdio, writers);
            error = Writer(Error, stdio, writers);
        }

        writers.AddRange(_fileWriters);
        if (_pipeOut is not null)
        {
            writers.Add(_pipeOut);
        }

        readers.AddRange(_fileReaders);
        if (_pipeIn is not null)
        {
            readers.Add(_pipeIn);
        }

        return (input, output, error, writers, readers);
    }

    private static PipeWriter Writer(Fd fd, ShellStdio stdio, List<PipeWriter> writers)
    {
        PipeWriter writer;
        switch (fd.Kind)
        {
            case FdKind.ShellOutput:
                writer = ShellStdio.CreateWriter(stdio.Output);
                writers.Add(writer);
                return writer;
            case FdKind.ShellError:
                writer = ShellStdio.CreateWriter(stdio.Error);
                writers.Add(writer);
                return writer;
            case FdKind.Empty:
                writer = ShellStdio.CreateWriter(Stream.Null);
                writers.Add(writer);
                return writer;
            default:
                return fd.Writer!;
        }
    }

    /// <summary>The size of the stage's stdin when it is a regular file (a redirection, or the shell's own stdin),
    /// else null.</summary>
    public long? InputLength(ShellStdio stdio) => Input.Kind switch
    {
        FdKind.File => Input.Length,
        FdKind.ShellInput when stdio.RealDescriptors && !stdio.Input.HasPending => FileTransport.RegularFileLength(descriptor: 0),
        _ => null,
    };

    public static PipeReader EmptyReader()
    {
        var pipe = new Pipe();
        pipe.Writer.Complete();
        return pipe.Reader;
    }
}
