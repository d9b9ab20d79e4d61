using System.Runtime.Versioning;

// The tests mount file systems, run processes as other users through setpriv and read /proc: Linux only.
[assembly: SupportedOSPlatform("linux")]
