namespace CypherScoping.TestKit; public static class TestKitInfo { }
