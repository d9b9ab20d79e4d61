using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Chunks;

namespace ReplicaFs.Client.Tests.Chunks;

/// <summary>Dirty-range merging against a bit-per-byte model.</summary>
[FsCheck.Xunit.Properties(Replay = "(20261124,3)", MaxTest = 300)]
public sealed class ByteRangesTests
{
    private const int Size = 200;

    private static readonly Gen<(int Start, int End)> Range =
        from a in Gen.Choose(0, Size)
        from b in Gen.Choose(0, Size)
        select (Math.Min(a, b), Math.Max(a, b));

    private static readonly Gen<List<(int Start, int End)>> Adds = Gen.ListOf(Range).Select(l => l.ToList());

    [FsCheck.Xunit.Property]
    public Property Adding_ranges_matches_the_model_and_keeps_them_sorted_disjoint_and_non_adjacent() =>
        Prop.ForAll(Adds.ToArbitrary(), adds =>
        {
            var (ranges, model) = Build(adds);
            for (var i = 0; i < Size; i++)
            {
                if (model[i] != ranges.Covers(i, i + 1))
                {
                    return false;
                }
            }

            for (var i = 1; i < ranges.Ranges.Count; i++)
            {
                if (ranges.Ranges[i - 1].End >= ranges.Ranges[i].Start)
                {
                    return false;
                }
            }

            return ranges.Ranges.All(r => r.Length > 0) && ranges.Count == model.Count(b => b) && ranges.End == (Array.LastIndexOf(model, true) + 1);
        });

    [FsCheck.Xunit.Property]
    public Property Gaps_and_intersections_partition_any_window() =>
        Prop.ForAll(Adds.ToArbitrary(), Range.ToArbitrary(), (adds, window) =>
        {
            var (ranges, model) = Build(adds);
            var seen = new int[Size];
            foreach (var gap in ranges.Gaps(window.Start, window.End))
            {
                for (var i = gap.Start; i < gap.End; i++)
                {
                    if (model[i])
                    {
                        return false;
                    }

                    seen[i]++;
                }
            }

            foreach (var part in ranges.Intersect(window.Start, window.End))
            {
                for (var i = part.Start; i < part.End; i++)
                {
                    if (!model[i])
                    {
                        return false;
                    }

                    seen[i]++;
                }
            }

            for (var i = 0; i < Size; i++)
            {
                var inWindow = i >= window.Start && i < window.End;
                if (seen[i] != (inWindow ? 1 : 0))
                {
                    return false;
                }
            }

            return ranges.Covers(window.Start, window.End) == (ranges.Gaps(window.Start, window.End).Count == 0);
        });

    [FsCheck.Xunit.Property]
    public Property Truncation_drops_exactly_the_offsets_at_or_beyond_the_length() =>
        Prop.ForAll(Adds.ToArbitrary(), Gen.Choose(0, Size).ToArbitrary(), (adds, length) =>
        {
            var (ranges, model) = Build(adds);
            ranges.TruncateTo(length);
            for (var i = 0; i < Size; i++)
            {
                if (ranges.Covers(i, i + 1) != (model[i] && i < length))
                {
                    return false;
                }
            }

            return true;
        });

    [Fact]
    public void Adjacent_writes_merge_into_one_range()
    {
        var ranges = new ByteRanges();
        ranges.Add(0, 10);
        ranges.Add(20, 30);
        ranges.Add(10, 20);
        Assert.Equal([new ByteRange(0, 30)], ranges.Ranges);
    }

    [Fact]
    public void Negative_or_inverted_ranges_are_refused()
    {
        var ranges = new ByteRanges();
        Assert.Throws<ArgumentOutOfRangeException>(() => ranges.Add(-1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ranges.Add(5, 3));
    }

    private static (ByteRanges Ranges, bool[] Model) Build(List<(int Start, int End)> adds)
    {
        var ranges = new ByteRanges();
        var model = new bool[Size];
        foreach (var (start, end) in adds)
        {
            ranges.Add(start, end);
            for (var i = start; i < end; i++)
            {
                model[i] = true;
            }
        }

        return (ranges, model);
    }
}
