using Xunit.Sdk;
using Xunit.v3;

// Every test here starts a cluster of real server processes and waits on its timing: one test class at a time, so
// that a small machine shared with other test projects does not push heartbeats and start-up past their limits.
[assembly: Parallelization(Mode = ParallelMode.None)]
