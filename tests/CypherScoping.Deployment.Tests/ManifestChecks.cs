using System.Globalization;
using System.Text.RegularExpressions;
using CypherScoping.Hosting;
using YamlDotNet.RepresentationModel;

namespace CypherScoping.Deployment.Tests;

/// <summary>
/// The rules the rendered Kubernetes manifests must follow. Each check returns the list of problems (empty = fine),
/// so tests can assert both that the real manifests pass and that a broken manifest is caught.
/// </summary>
public static partial class ManifestChecks
{
    public const string Namespace = "cypherscoping";
    public const string ExchangeSecret = "cypher-exchange";

    public static readonly string[] ServiceNames = ["scanner", "risk", "executor", "auditor", "alerts"];

    public static readonly string[] CredentialKeys = ["KUCOIN_API_KEY", "KUCOIN_API_SECRET", "KUCOIN_API_PASSPHRASE"];

    /// <summary>Environment variables that configure the .NET runtime or the container, not CypherScoping (explicit, so a typo still fails).</summary>
    public static readonly HashSet<string> RuntimeVariables = new(StringComparer.Ordinal)
    {
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_RUNNING_IN_CONTAINER", "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO",
        "DOTNET_gcServer", "DOTNET_BUNDLE_EXTRACT_BASE_DIR", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "TMPDIR", "HOME",
    };

    public static IEnumerable<(YamlMappingNode Workload, YamlNode Container)> Containers(Rendered rendered) =>
        rendered.Workloads.SelectMany(w =>
            w.Items("spec", "template", "spec", "containers").Concat(w.Items("spec", "template", "spec", "initContainers")).Select(c => (w, c)));

    public static string Describe(YamlNode workload, YamlNode? container = null) =>
        $"{workload.Str("kind")}/{workload.Str("metadata", "name")}" + (container is null ? string.Empty : $" container {container.Str("name")}");

    /// <summary>Non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.</summary>
    public static List<string> SecurityProblems(Rendered rendered)
    {
        var problems = new List<string>();
        foreach (var workload in rendered.Workloads)
        {
            var pod = workload.Get("spec", "template", "spec");
            if (pod.Str("automountServiceAccountToken") != "false")
            {
                problems.Add($"{Describe(workload)}: automountServiceAccountToken must be false");
            }

            foreach (var flag in new[] { "hostNetwork", "hostPID", "hostIPC" })
            {
                if (pod.Str(flag) == "true")
                {
                    problems.Add($"{Describe(workload)}: {flag} must not be set");
                }
            }
        }

        foreach (var (workload, container) in Containers(rendered))
        {
            var where = Describe(workload, container);
            var pod = workload.Get("spec", "template", "spec", "securityContext");
            var sc = container.Get("securityContext");
            if (sc is null)
            {
                problems.Add($"{where}: no securityContext");
                continue;
            }

            var nonRoot = sc.Str("runAsNonRoot") ?? pod.Str("runAsNonRoot");
            if (nonRoot != "true")
            {
                problems.Add($"{where}: runAsNonRoot must be true");
            }

            var user = sc.Str("runAsUser") ?? pod.Str("runAsUser");
            if (user is null || user == "0")
            {
                problems.Add($"{where}: runAsUser must be a non-zero UID (found {user ?? "none"})");
            }

            if (sc.Str("readOnlyRootFilesystem") != "true")
            {
                problems.Add($"{where}: readOnlyRootFilesystem must be true");
            }

            if (sc.Str("allowPrivilegeEscalation") != "false")
            {
                problems.Add($"{where}: allowPrivilegeEscalation must be false");
            }

            if (sc.Str("privileged") == "true")
            {
                problems.Add($"{where}: privileged must not be true");
            }

            var dropped = sc.Items("capabilities", "drop").Select(n => (n as YamlScalarNode)?.Value).ToList();
            if (!dropped.Contains("ALL"))
            {
                problems.Add($"{where}: capabilities.drop must contain ALL");
            }

            if (sc.Items("capabilities", "add").Count > 0)
            {
                problems.Add($"{where}: capabilities.add must be empty");
            }

            var seccomp = sc.Str("seccompProfile", "type") ?? pod.Str("seccompProfile", "type");
            if (seccomp != "RuntimeDefault")
            {
                problems.Add($"{where}: seccompProfile must be RuntimeDefault");
            }

            var mounts = container.Items("volumeMounts").Select(m => m.Str("mountPath")).ToList();
            if (!mounts.Contains("/tmp"))
            {
                problems.Add($"{where}: /tmp must be a writable volume (the root filesystem is read-only)");
            }
        }

        return problems;
    }

    [GeneratedRegex(@"^(?<repo>[^@]+?)(:(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]*))?(@(?<digest>sha256:[a-f0-9]{64}))?$")]
    private static partial Regex ImageReference();

    [GeneratedRegex(@"^v?\d+\.\d+\.\d+([.-][A-Za-z0-9.-]+)?$")]
    private static partial Regex PinnedTag();

    [GeneratedRegex(@"^\d+\.\d+(-[A-Za-z0-9.-]+)?$")]
    private static partial Regex PinnedMajorMinorTag();

    /// <summary>Official images whose releases have two-part versions (PostgreSQL 17.6 is a patch release).</summary>
    public static readonly HashSet<string> TwoPartVersionImages = new(StringComparer.Ordinal) { "postgres" };

    /// <summary>An image is pinned when it has a digest, or an explicit version tag (x.y.z…) that is not "latest".</summary>
    public static string? ImageProblem(string image)
    {
        var lastSlash = image.LastIndexOf('/');
        var name = lastSlash >= 0 ? image[(lastSlash + 1)..] : image;
        var match = ImageReference().Match(name);
        if (!match.Success)
        {
            return $"'{image}' is not an image reference";
        }

        if (match.Groups["digest"].Success)
        {
            return null;
        }

        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        if (tag is null)
        {
            return $"'{image}' has no tag (means :latest)";
        }

        if (tag.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{image}' uses :latest";
        }

        var repository = match.Groups["repo"].Value;
        if (TwoPartVersionImages.Contains(repository) && PinnedMajorMinorTag().IsMatch(tag))
        {
            return null; // PostgreSQL releases are major.minor: 17.6 is an exact release
        }

        return PinnedTag().IsMatch(tag) ? null : $"'{image}' tag '{tag}' is not a pinned version (x.y.z)";
    }

    public static List<string> ImageProblems(Rendered rendered) =>
        Containers(rendered)
            .Select(pair => (pair, problem: pair.Container.Str("image") is { } image ? ImageProblem(image) : "no image"))
            .Where(x => x.problem is not null)
            .Select(x => $"{Describe(x.pair.Workload, x.pair.Container)}: {x.problem}")
            .ToList();

    /// <summary>Exactly one executor: a Deployment with replicas 1 and the Recreate strategy, nothing that scales it.</summary>
    public static List<string> ExecutorProblems(Rendered rendered)
    {
        var problems = new List<string>();
        var executors = Containers(rendered).Where(p => (p.Container.Str("image") ?? string.Empty).Contains("/executor", StringComparison.Ordinal)).ToList();
        if (executors.Count != 1)
        {
            problems.Add($"expected exactly one workload running the executor image, found {executors.Count}: {string.Join(", ", executors.Select(e => Describe(e.Workload)))}");
        }

        var executor = rendered.Find("Deployment", "executor");
        if (executor is null)
        {
            problems.Add("no Deployment named executor (the documented rollback is `kubectl scale deployment/executor --replicas=0`)");
            return problems;
        }

        var replicas = executor.Str("spec", "replicas");
        if (replicas != "1")
        {
            problems.Add($"Deployment/executor must have exactly 1 replica, has {replicas ?? "unset (defaults to 1 but must be explicit)"}");
        }

        var strategy = executor.Str("spec", "strategy", "type");
        if (strategy != "Recreate")
        {
            problems.Add($"Deployment/executor must use the Recreate strategy (two executors must never overlap), has {strategy ?? "the default RollingUpdate"}");
        }

        foreach (var hpa in rendered.OfKind("HorizontalPodAutoscaler"))
        {
            if (hpa.Str("spec", "scaleTargetRef", "name") == "executor")
            {
                problems.Add("a HorizontalPodAutoscaler targets the executor");
            }
        }

        return problems;
    }

    public static string? EnvValue(YamlNode container, string name) =>
        container.Items("env").FirstOrDefault(e => e.Str("name") == name)?.Str("value");

    /// <summary>The scanner is a StatefulSet whose SCANNER_SHARD_COUNT equals its replicas; the shard index comes from the pod ordinal.</summary>
    public static List<string> ScannerProblems(Rendered rendered)
    {
        var problems = new List<string>();
        if (rendered.Find("Deployment", "scanner") is not null)
        {
            problems.Add("the scanner must be a StatefulSet (its pod ordinal picks the shard), not a Deployment");
        }

        var scanner = rendered.Find("StatefulSet", "scanner");
        if (scanner is null)
        {
            problems.Add("no StatefulSet named scanner");
            return problems;
        }

        var replicasText = scanner.Str("spec", "replicas") ?? "1";
        var replicas = int.Parse(replicasText, CultureInfo.InvariantCulture);
        var container = scanner.Items("spec", "template", "spec", "containers").FirstOrDefault(c => c.Str("name") == "scanner");
        if (container is null)
        {
            problems.Add("StatefulSet/scanner has no container named scanner");
            return problems;
        }

        var count = EnvValue(container, "SCANNER_SHARD_COUNT");
        if (count is null || !int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var shards))
        {
            problems.Add($"StatefulSet/scanner must set SCANNER_SHARD_COUNT to a literal number (found {count ?? "nothing"})");
        }
        else if (shards != replicas)
        {
            problems.Add($"StatefulSet/scanner: SCANNER_SHARD_COUNT={shards} but replicas={replicas} (symbols would be scanned twice or never)");
        }

        var config = rendered.Config;
        foreach (var pinned in new[] { "SCANNER_SHARD_INDEX", "SCANNER_SHARD_COUNT", "SCANNER_SYMBOLS" })
        {
            if (container.Items("env").Any(e => e.Str("name") == pinned && pinned != "SCANNER_SHARD_COUNT") || config.ContainsKey(pinned))
            {
                problems.Add($"{pinned} must not be fixed for every scanner pod (the ordinal of HOSTNAME picks each pod's shard)");
            }
        }

        var serviceName = scanner.Str("spec", "serviceName");
        var governing = serviceName is null ? null : rendered.Find("Service", serviceName);
        if (governing is null || governing.Str("spec", "clusterIP") != "None")
        {
            problems.Add($"StatefulSet/scanner needs a headless governing Service (serviceName={serviceName ?? "unset"})");
        }

        return problems;
    }

    /// <summary>Every place a workload could receive the exchange credentials.</summary>
    public static List<string> CredentialReferences(Rendered rendered)
    {
        var found = new List<string>();
        foreach (var (workload, container) in Containers(rendered))
        {
            var where = Describe(workload, container);
            foreach (var env in container.Items("env"))
            {
                var name = env.Str("name") ?? string.Empty;
                if (IsCredentialKey(name))
                {
                    found.Add($"{where}: env {name}");
                }

                if (env.Str("valueFrom", "secretKeyRef", "name") == ExchangeSecret)
                {
                    found.Add($"{where}: env {name} from Secret {ExchangeSecret}");
                }
            }

            foreach (var from in container.Items("envFrom"))
            {
                if (from.Str("secretRef", "name") is { } secret && secret == ExchangeSecret)
                {
                    found.Add($"{where}: envFrom Secret {secret}");
                }
            }
        }

        foreach (var workload in rendered.Workloads)
        {
            foreach (var volume in workload.Items("spec", "template", "spec", "volumes"))
            {
                if (volume.Str("secret", "secretName") == ExchangeSecret)
                {
                    found.Add($"{Describe(workload)}: volume from Secret {ExchangeSecret}");
                }
            }
        }

        foreach (var key in rendered.Config.Keys.Where(IsCredentialKey))
        {
            found.Add($"ConfigMap cypher-config: key {key}");
        }

        if (rendered.Text.Contains(ExchangeSecret, StringComparison.Ordinal) && found.Count == 0)
        {
            found.Add($"the rendered manifests mention {ExchangeSecret}");
        }

        return found;
    }

    public static bool IsCredentialKey(string key)
    {
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        return CredentialKeys.Contains(key, StringComparer.OrdinalIgnoreCase) ||
               path.Equals("KuCoin:ApiKey", StringComparison.OrdinalIgnoreCase) ||
               path.Equals("KuCoin:ApiSecret", StringComparison.OrdinalIgnoreCase) ||
               path.Equals("KuCoin:ApiPassphrase", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Configuration keys in the ConfigMap and container env that CypherScoping does not know.</summary>
    public static List<string> UnknownKeys(Rendered rendered)
    {
        var unknown = new List<string>();
        foreach (var key in rendered.Config.Keys)
        {
            if (!Settings.IsKnownKey(key))
            {
                unknown.Add($"ConfigMap cypher-config: unknown key {key}");
            }
        }

        foreach (var (workload, container) in Containers(rendered))
        {
            foreach (var env in container.Items("env"))
            {
                var name = env.Str("name") ?? string.Empty;
                if (!Settings.IsKnownKey(name) && !RuntimeVariables.Contains(name))
                {
                    unknown.Add($"{Describe(workload, container)}: unknown env key {name}");
                }
            }
        }

        return unknown;
    }

    /// <summary>No secret values in the manifests: no Secret objects, no secret setting in the ConfigMap or as a literal env value.</summary>
    public static List<string> SecretValueProblems(Rendered rendered)
    {
        var problems = rendered.OfKind("Secret").Select(s => $"Secret/{s.Str("metadata", "name")} is rendered: secrets are referenced, never committed").ToList();
        foreach (var key in rendered.Config.Keys)
        {
            if (Settings.FindFlat(key) is { Secret: true })
            {
                problems.Add($"ConfigMap cypher-config carries the secret setting {key}");
            }
        }

        foreach (var (workload, container) in Containers(rendered))
        {
            foreach (var env in container.Items("env"))
            {
                var name = env.Str("name") ?? string.Empty;
                var definition = Settings.FindFlat(name) ?? Settings.FindPath(name.Replace("__", ":", StringComparison.Ordinal));
                if (definition is { Secret: true } && env.Get("valueFrom", "secretKeyRef") is null)
                {
                    problems.Add($"{Describe(workload, container)}: {name} must come from a secretKeyRef");
                }
            }
        }

        return problems;
    }

    /// <summary>Risk settings that the live ramp would otherwise take from the profile of the current ramp day.</summary>
    public static readonly string[] RampGovernedKeys =
        ["MAX_EXPOSURE_RATIO", "MAX_RISK_PER_TRADE", "CIRCUIT_BREAKER_THRESHOLD", "MAX_LEVERAGE", "MAX_DAILY_TRADES"];

    /// <summary>
    /// A live overlay that pins the ramp-governed limits must switch the ramp off: explicit values win over the
    /// profile, so a ramp step back would leave the pinned (higher) limits in force.
    /// </summary>
    public static List<string> RampProblems(Rendered rendered)
    {
        var config = rendered.Config;
        var live = config.TryGetValue("TRADING_MODE", out var mode) && mode.Equals("live", StringComparison.OrdinalIgnoreCase);
        var pinned = RampGovernedKeys.Where(k => config.TryGetValue(k, out var v) && !string.IsNullOrWhiteSpace(v) && !v.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
            .Append(config.GetValueOrDefault("REQUIRE_MANUAL_APPROVAL") == "true" ? "REQUIRE_MANUAL_APPROVAL" : null)
            .OfType<string>()
            .ToList();
        if (live && pinned.Count > 0 && config.GetValueOrDefault("RISK_RAMP_ENABLED")?.ToLowerInvariant() != "false")
        {
            return [$"{rendered.Source}: pins {string.Join(", ", pinned)} but leaves RISK_RAMP_ENABLED on (a ramp step back could not lower them)"];
        }

        return [];
    }

    /// <summary>Probes on /health/live and /health/ready, requests and limits, a PodDisruptionBudget per service.</summary>
    public static List<string> OperabilityProblems(Rendered rendered)
    {
        var problems = new List<string>();
        foreach (var (workload, container) in Containers(rendered))
        {
            var where = Describe(workload, container);
            foreach (var part in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    if (container.Str("resources", part, resource) is null)
                    {
                        problems.Add($"{where}: resources.{part}.{resource} missing");
                    }
                }
            }
        }

        foreach (var name in ServiceNames)
        {
            var workload = rendered.Workloads.FirstOrDefault(w => w.Str("metadata", "name") == name);
            if (workload is null)
            {
                problems.Add($"no workload for the {name} service");
                continue;
            }

            var container = workload.Items("spec", "template", "spec", "containers")[0];
            if (container.Str("livenessProbe", "httpGet", "path") != "/health/live")
            {
                problems.Add($"{Describe(workload)}: livenessProbe must GET /health/live");
            }

            if (container.Str("readinessProbe", "httpGet", "path") != "/health/ready")
            {
                problems.Add($"{Describe(workload)}: readinessProbe must GET /health/ready");
            }

            var podLabels = workload.Entries("spec", "template", "metadata", "labels").ToDictionary(kv => kv.Key, kv => ((YamlScalarNode)kv.Value).Value);
            var budgets = rendered.OfKind("PodDisruptionBudget").Where(pdb =>
            {
                var selector = pdb.Entries("spec", "selector", "matchLabels");
                return selector.Count > 0 && selector.All(kv => podLabels.TryGetValue(kv.Key, out var v) && v == ((YamlScalarNode)kv.Value).Value);
            }).ToList();
            if (budgets.Count != 1)
            {
                problems.Add($"{Describe(workload)}: expected one PodDisruptionBudget, found {budgets.Count}");
            }

            if (rendered.Find("Service", name) is null)
            {
                problems.Add($"no Service for {name}");
            }
        }

        return problems;
    }

    public static readonly int[] AllowedEgressPorts = [53, 5671, 5672, 5432, 443];
    public static readonly int[] AlertsSmtpPorts = [587, 465];

    /// <summary>Egress only to DNS, RabbitMQ, PostgreSQL and HTTPS (the exchange); every pod selected.</summary>
    public static List<string> NetworkProblems(Rendered rendered)
    {
        var problems = new List<string>();
        var egressPolicies = rendered.OfKind("NetworkPolicy")
            .Where(p => p.Items("spec", "policyTypes").Any(t => (t as YamlScalarNode)?.Value == "Egress")).ToList();
        var general = egressPolicies.Where(p => p.Str("spec", "podSelector", "matchLabels", "app.kubernetes.io/part-of") == Namespace
                                                && p.Entries("spec", "podSelector", "matchLabels").Count == 1).ToList();
        if (general.Count == 0)
        {
            problems.Add("no egress NetworkPolicy selecting every app.kubernetes.io/part-of=cypherscoping pod");
        }

        foreach (var policy in egressPolicies)
        {
            var isAlerts = policy.Str("spec", "podSelector", "matchLabels", "app.kubernetes.io/name") == "alerts";
            var allowed = isAlerts ? AlertsSmtpPorts.Concat(AllowedEgressPorts).ToArray() : AllowedEgressPorts;
            foreach (var rule in policy.Items("spec", "egress"))
            {
                var ports = rule.Items("ports");
                if (ports.Count == 0)
                {
                    problems.Add($"NetworkPolicy/{policy.Str("metadata", "name")}: an egress rule without ports allows everything");
                }

                foreach (var port in ports)
                {
                    var number = int.Parse(port.Str("port") ?? "0", CultureInfo.InvariantCulture);
                    if (!allowed.Contains(number))
                    {
                        problems.Add($"NetworkPolicy/{policy.Str("metadata", "name")}: egress to port {number} is not allowed");
                    }
                }
            }
        }

        var allPorts = general.SelectMany(p => p.Items("spec", "egress")).SelectMany(r => r.Items("ports")).Select(p => p.Str("port")).ToHashSet();
        foreach (var needed in new[] { "53", "5672", "5432", "443" })
        {
            if (!allPorts.Contains(needed))
            {
                problems.Add($"egress to port {needed} is needed (DNS, RabbitMQ, PostgreSQL, exchange)");
            }
        }

        foreach (var workload in rendered.Workloads)
        {
            if (workload.Str("spec", "template", "metadata", "labels", "app.kubernetes.io/part-of") != Namespace)
            {
                problems.Add($"{Describe(workload)}: pod template lacks app.kubernetes.io/part-of=cypherscoping (the NetworkPolicy would not apply)");
            }
        }

        return problems;
    }

    /// <summary>Every namespaced object lives in the cypherscoping namespace, which the manifests create.</summary>
    public static List<string> NamespaceProblems(Rendered rendered)
    {
        var problems = new List<string>();
        if (rendered.Find("Namespace", Namespace) is null)
        {
            problems.Add($"no Namespace {Namespace}");
        }

        foreach (var obj in rendered.Objects.Where(o => o.Str("kind") != "Namespace"))
        {
            if (obj.Str("metadata", "namespace") != Namespace)
            {
                problems.Add($"{obj.Str("kind")}/{obj.Str("metadata", "name")}: namespace {obj.Str("metadata", "namespace") ?? "unset"}");
            }
        }

        return problems;
    }

    /// <summary>
    /// The root filesystem is read-only: every file path a container is configured with (AUDIT_LOG_PATH,
    /// IDEMPOTENCY_STORE_PATH, ...) must lie on a writable volume mount, and the auditor must be given one.
    /// </summary>
    public static List<string> WritablePathProblems(Rendered rendered)
    {
        var problems = new List<string>();
        foreach (var (workload, container) in Containers(rendered))
        {
            var where = Describe(workload, container);
            var mounts = container.Items("volumeMounts")
                .Where(m => m.Str("readOnly") != "true")
                .Select(m => (m.Str("mountPath") ?? "/").TrimEnd('/') + "/")
                .ToList();
            var env = EffectiveEnvironment(rendered, container);
            foreach (var (key, value) in env)
            {
                var definition = Settings.FindFlat(key) ?? Settings.FindPath(key.Replace("__", ":", StringComparison.Ordinal));
                if (definition is not { Kind: SettingKind.Path } || string.IsNullOrWhiteSpace(value))
                {
                    continue;
                }

                if (!value.StartsWith('/') || !mounts.Any(m => value.StartsWith(m, StringComparison.Ordinal)))
                {
                    problems.Add($"{where}: {key}={value} is not on a writable volume (mounted: {string.Join(", ", mounts)})");
                }
            }

            if (workload.Str("metadata", "name") == "auditor" && !env.ContainsKey("AUDIT_LOG_PATH"))
            {
                problems.Add($"{where}: AUDIT_LOG_PATH must be set (its default, runtime/audit.log, is on the read-only root filesystem)");
            }
        }

        return problems;
    }

    /// <summary>The configuration one workload's container would see: ConfigMap + literal env + a stand-in for each referenced secret key.</summary>
    public static Dictionary<string, string> EffectiveEnvironment(Rendered rendered, YamlNode container)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.Items("envFrom").Any(f => (f.Str("configMapRef", "name") ?? string.Empty).StartsWith("cypher-config", StringComparison.Ordinal)))
        {
            foreach (var (key, value) in rendered.Config)
            {
                values[key] = value;
            }
        }

        foreach (var env in container.Items("env"))
        {
            var name = env.Str("name") ?? string.Empty;
            if (env.Str("value") is { } literal)
            {
                values[name] = literal;
            }
            else if (env.Get("valueFrom", "secretKeyRef") is { } secret && secret.Str("optional") != "true")
            {
                values[name] = StandIn(name);
            }
        }

        return values;
    }

    private static string StandIn(string key) => key switch
    {
        "POSTGRES_CONNECTION" => "Host=postgres.db;Port=5432;Username=cypher;Password=pw-from-secret;Database=cypher",
        "RABBITMQ_URL" => "amqp://cypher:pw-from-secret@rabbitmq.broker:5672/",
        "ALERT_SLACK_WEBHOOK" => "https://hooks.slack.com/services/T0/B0/stand-in",
        _ => "k8s-secret-stand-in-" + key.ToLowerInvariant(),
    };
}
