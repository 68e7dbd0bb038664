namespace FaceBoost.Tests.ArchitectureFixtures;

// Types the reference scanner is tested on: each caller reaches Callee only from inside a method body.

internal sealed class Callee
{
    public static int Value() => 42;
}

internal static class BodyOnlyCaller
{
    public static int Run() => Callee.Value() + 1;
}

internal static class LambdaCaller
{
    public static Func<int> Make() => () => Callee.Value() * 2;
}

internal static class GenericLocalUser
{
    public static int Count()
    {
        var list = new List<Callee>();
        return list.Count;
    }
}
