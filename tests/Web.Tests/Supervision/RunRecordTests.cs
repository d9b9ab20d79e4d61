using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Tests.Supervision;

/// <summary>The run record in the launcher's format, and the /proc and mount table readers behind it.</summary>
public sealed class RunRecordTests
{
    [Fact]
    public void The_record_has_the_boot_line_then_one_process_line_each()
    {
        var text = RunRecord.Format("7f30a21c", [new("web", 10, 100, "http://127.0.0.1:51280"), new("mount", 12, 120, "file:///mnt/replica%20fs")]);

        Assert.Equal("boot 7f30a21c\nprocess web 10 100 http://127.0.0.1:51280\nprocess mount 12 120 file:///mnt/replica%20fs\n", text);
    }

    [Fact]
    public void Fields_with_spaces_are_refused_because_the_launcher_splits_on_them()
    {
        Assert.Throws<ArgumentException>(() => RunRecord.Format("b", [new("data 1", 1, 1, "http://x")]));
    }

    [Fact]
    public void Writing_replaces_the_file_atomically_and_remove_deletes_it()
    {
        var directory = Directory.CreateTempSubdirectory("replicafs-run-").FullName;
        try
        {
            RunRecord.Write(directory, [new("web", Environment.ProcessId, 1, "http://127.0.0.1:1")]);
            RunRecord.Write(directory, [new("web", Environment.ProcessId, 2, "http://127.0.0.1:2")]);

            var lines = File.ReadAllLines(Path.Combine(directory, "run"));
            Assert.Equal($"boot {ProcStat.BootId()}", lines[0]);
            Assert.Equal($"process web {Environment.ProcessId} 2 http://127.0.0.1:2", lines[1]);
            Assert.Equal(["run"], Directory.GetFiles(directory).Select(Path.GetFileName));

            RunRecord.Remove(directory);
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Start_ticks_come_from_field_22_even_when_the_command_name_has_spaces_and_parentheses()
    {
        const string Stat = "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 2 0 0 20 0 12 0 987654 300000000 5000 18446744073709551615";

        Assert.Equal(987654, ProcStat.ParseStartTicks(Stat));
        Assert.Null(ProcStat.ParseStartTicks("garbage"));
    }

    [Fact]
    public void This_process_has_start_ticks_and_a_gone_one_has_none()
    {
        Assert.True(ProcStat.StartTicks(Environment.ProcessId) > 0);
        Assert.Null(ProcStat.StartTicks(int.MaxValue));
        Assert.Matches("^[0-9a-f-]{36}$", ProcStat.BootId());
    }

    [Fact]
    public void A_fuse_mount_is_found_in_mountinfo_with_escaped_spaces()
    {
        const string MountInfo = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            91 22 0:52 / /mnt/replica\040fs rw,nosuid,nodev,relatime shared:50 - fuse.replicafs replicafs rw,user_id=0,group_id=0
            92 22 0:53 / /mnt/other rw - tmpfs tmpfs rw
            """;

        Assert.True(MountTable.IsFuseMounted(MountInfo, "/mnt/replica fs"));
        Assert.True(MountTable.IsFuseMounted(MountInfo, "/mnt/replica fs/"));
        Assert.False(MountTable.IsFuseMounted(MountInfo, "/mnt/other"));
        Assert.False(MountTable.IsFuseMounted(MountInfo, "/mnt/replica"));
    }
}
