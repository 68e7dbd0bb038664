using System.Reflection;

namespace FaceBoost.Bench;

/// <summary>A benchmark runnable as `dotnet run -c Release --project bench/FaceBoost.Bench -- NAME [args]`.
/// Each lives in its own file and is found by reflection.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}

public static class Program
{
    public static int Main(string[] args)
    {
        var all = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var chosen = args.Length > 0 ? all.FirstOrDefault(b => b.Name == args[0]) : null;
        if (chosen is null)
        {
            Console.WriteLine("usage: FaceBoost.Bench <name> [args]\n");
            foreach (var b in all) Console.WriteLine($"  {b.Name,-18} {b.Description}");
            return args.Length == 0 ? 0 : 2;
        }
        return chosen.Run(args[1..]);
    }
}
