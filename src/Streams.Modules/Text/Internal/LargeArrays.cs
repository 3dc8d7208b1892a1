using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Streams.Modules.Text.Internal;

/// <summary>Arrays of several megabytes that a command fills at once (sort's input, its line table and scratch
/// tables): allocated without clearing, and with the kernel asked to back them with 2 MiB pages.</summary>
/// <remarks>
/// <para>Fresh memory costs a page fault per 4 KiB on first touch, and on this class of machine (a virtual machine)
/// a fault is expensive: sorting 570 000 lines touched 40 MB, 9 600 faults and most of the system time
/// (docs/benchmarks.md). With transparent huge pages in <c>madvise</c> mode (Debian's default) a range marked
/// <c>MADV_HUGEPAGE</c> faults once per 2 MiB. The advice is only that: where the kernel has no huge pages, or
/// the call fails, the memory is ordinary.</para>
/// <para>The caller owns the array and must write every element before it reads it: they are not cleared.</para>
/// </remarks>
internal static partial class LargeArrays
{
    private const long HugePage = 2 << 20;
    private const int HugePageAdvice = 14; // MADV_HUGEPAGE

    /// <summary>An array of <paramref name="length"/> elements whose contents are undefined.</summary>
    public static T[] Allocate<T>(int length)
        where T : unmanaged
    {
        T[] array = GC.AllocateUninitializedArray<T>(length);
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (bytes >= 2 * HugePage && OperatingSystem.IsLinux())
        {
            Advise(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(array)), bytes);
        }

        return array;
    }

    // The 2 MiB pages wholly inside the array (a large array is not moved by the collector, and the advice is
    // harmless if it were).
    private static unsafe void Advise(ref byte start, long bytes)
    {
        long first = (long)Unsafe.AsPointer(ref start);
        long from = (first + HugePage - 1) & ~(HugePage - 1);
        long to = (first + bytes) & ~(HugePage - 1);
        if (to > from)
        {
            _ = MAdvise((nint)from, (nuint)(to - from), HugePageAdvice);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "madvise")]
    private static partial int MAdvise(nint address, nuint length, int advice);
}
