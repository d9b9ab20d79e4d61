using System.Runtime.Versioning;
using Xunit.Sdk;
using Xunit.v3;

// Every system test starts real server processes; run them one at a time so that a small CI machine
// (and the other test projects running beside this one) do not push start-up past its time limits.
[assembly: Parallelization(Mode = ParallelMode.None)]

// They drive Linux processes through /proc, signals and the bash launcher.
[assembly: SupportedOSPlatform("linux")]
