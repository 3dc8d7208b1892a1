using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace Streams.Transports.Servers;

/// <summary>The output of one FIFO session: a pipe whose bytes are copied to <c>PATH.out</c>, opened (which
/// waits for a reader) only when the first bytes arrive and closed when the pipe completes.</summary>
internal sealed class LazyFifoWriter
{
    private readonly string _path;
    private readonly Pipe _pipe = new(ServerPipeOptions.Default);
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _pump;

    public LazyFifoWriter(string path)
    {
        _path = path;
        _pump = Task.Run(PumpAsync);
    }

    public PipeWriter Writer => _pipe.Writer;

    public async ValueTask StopAsync(bool abort)
    {
        if (abort)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _pipe.Reader.CancelPendingRead();
        }

        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PumpAsync()
    {
        PipeReader reader = _pipe.Reader;
        FileStream? output = null;
        CancellationToken abort = _abort.Token;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(abort).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    output ??= await OpenAsync(abort).ConfigureAwait(false);
                    foreach (ReadOnlyMemory<byte> segment in buffer)
                    {
                        await output.WriteAsync(segment, abort).ConfigureAwait(false);
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The reader of PATH.out went away, or the session was aborted: the session's output ends here.
            await reader.CompleteAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            if (output is not null)
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<FileStream> OpenAsync(CancellationToken abort)
    {
        Task<SafeFileHandle> opening = Task.Factory.StartNew(() => File.OpenHandle(_path, FileMode.Open, FileAccess.Write), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await opening.WaitAsync(abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await FifoListener.UnblockAsync(opening, _path, write: false).ConfigureAwait(false);
            throw;
        }

        return new FileStream(await opening.ConfigureAwait(false), FileAccess.Write, bufferSize: 0);
    }
}
