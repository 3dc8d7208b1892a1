using System.Diagnostics.CodeAnalysis;

namespace Streams;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowDoubleRelease() => throw new InvalidOperationException("The message was already released (or passed on): a message has one owner.");

    [DoesNotReturn]
    public static void ThrowConcurrentRead() => throw new InvalidOperationException("Only one read may be pending on a stream head at a time.");
}
