using System.Reflection;
using System.Runtime.CompilerServices;

namespace Sluice.Binlog.Client;

/// <summary>
/// Compiles the decode path ahead of its first use, on a pool thread, while the stream's connection is still being
/// set up: the methods marked <see cref="MethodImplOptions.AggressiveOptimization"/> (the per-event and per-cell code)
/// are compiled fully optimized on their first call, which would otherwise stall the first events. Once per process;
/// failures are ignored (the methods then compile on first use, as usual).
/// </summary>
internal static class JitWarmup
{
    private static int _started;

    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(static _ => Compile(), null);
    }

    private static void Compile()
    {
        try
        {
            foreach (var type in typeof(JitWarmup).Assembly.GetTypes())
            {
                if (type.ContainsGenericParameters) continue;
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) == 0 || method.ContainsGenericParameters) continue;
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort only.
        }
    }
}
