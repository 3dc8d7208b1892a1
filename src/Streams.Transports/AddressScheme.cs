namespace Streams.Transports;

/// <summary>The scheme of a <see cref="StreamAddress"/>: which driver serves it.</summary>
public enum AddressScheme
{
    /// <summary><c>stdio</c>: this process's standard input and output.</summary>
    Stdio,

    /// <summary><c>fd:N</c>: an inherited descriptor.</summary>
    Fd,

    /// <summary><c>file:PATH</c>: a regular file.</summary>
    File,

    /// <summary><c>fifo:PATH</c>: a POSIX named pipe.</summary>
    Fifo,

    /// <summary><c>unix:PATH</c>: a Unix domain stream socket.</summary>
    Unix,

    /// <summary><c>pipe:NAME</c>: a .NET named pipe.</summary>
    Pipe,

    /// <summary><c>tcp:HOST:PORT</c>: TCP.</summary>
    Tcp,

    /// <summary><c>exec:COMMAND</c>: a child process.</summary>
    Exec,

    /// <summary><c>zmq:TYPE:ENDPOINTS</c>: a ZeroMQ socket.</summary>
    ZeroMq,

    /// <summary><c>mem:NAME</c>: an in-process stream.</summary>
    Mem,
}

/// <summary>How a <c>file:</c> address opens its file.</summary>
public enum FileAccessMode
{
    /// <summary>Read from the start (<c>file:PATH</c>).</summary>
    Read,

    /// <summary>Create or truncate, then write (<c>file:&gt;PATH</c>).</summary>
    Write,

    /// <summary>Create if missing, write at the end (<c>file:&gt;&gt;PATH</c>).</summary>
    Append,

    /// <summary>Read and write from the start without truncating (<c>file:&lt;&gt;PATH</c>).</summary>
    ReadWrite,
}
