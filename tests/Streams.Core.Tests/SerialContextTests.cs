namespace Streams.Core.Tests;

public class SerialContextTests
{
    private sealed class CountingItem(int[] counts, int slot) : WorkItem
    {
        public override void Execute() => counts[slot]++;
    }

    [Fact]
    public void Post_FromManyThreads_NoWorkIsStrandedWhenTheOwnerLeaves()
    {
        // Every Post returns only when its work ran or another thread is inside and will run it before it leaves.
        // So when all posting threads are done, every item has run, with nobody entering again. (A release of the
        // context that is not a full fence could let a poster see it busy while the leaving owner sees no work;
        // this stress may catch such a lost item, it cannot prove there is none.)
        const int Threads = 4;
        const int PerThread = 250_000;
        var context = new SerialContext();
        int[] counts = new int[Threads];
        var items = new CountingItem[Threads];
        for (int t = 0; t < Threads; t++)
        {
            items[t] = new CountingItem(counts, t);
        }

        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int slot = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < PerThread; i++)
                {
                    context.Post(items[slot]);
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(2)));
        }

        Assert.Equal(Enumerable.Repeat(PerThread, Threads), counts);
    }
}
