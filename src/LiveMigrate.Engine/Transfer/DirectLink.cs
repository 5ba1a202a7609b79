using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// One migration's own OpenSSH connection from its source to its destination, so that its streams go host to host
    /// instead of through the controller (which then decrypts and encrypts every byte once more). The destination lets
    /// in a throwaway key, only to unpack tar under the migration's own folders (confined by tree-unpack.sh: no shell, no
    /// forwarding of any kind) or to carry post-copy's pages over a session of its own, until revoked, which also ends
    /// its connections, or expired; the source trusts only the host key the controller itself verified. Opened before
    /// the freeze: no login while frozen.
    /// </summary>
    public sealed class DirectLink : IDisposable
    {
        private const string LinkRoot = "/run/livemigrate/links";
        // Key, authorize, connect, close, revoke: short steps (ssh's own ConnectTimeout is 10 s).
        private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
        private static readonly Regex Progress = new Regex(@"^tar: progress (\d+) ", RegexOptions.CultureInvariant);

        private readonly IHostSession _source;
        private readonly IDirectLinkTarget _destination;
        private readonly string _dir;
        private readonly string _marker;
        private readonly TimeSpan _timeout;
        // Post-copy's: the destination's port the pages' client connects to, and how long the key lives.
        private int? _pagePort, _memoryPort;
        private TimeSpan _lifetime;
        private bool _authorized;
        private bool _closed;

        private DirectLink(IHostSession source, IDirectLinkTarget destination, string id, TimeSpan timeout)
        {
            _source = source;
            _destination = destination;
            _dir = HostPath.Combine(LinkRoot, id);
            _marker = "livemigrate-link-" + id;
            _timeout = timeout;
        }

        public string Description => $"direct, over a key of its own from {_source.Name} to {_destination.Name}";

        /// <param name="grant">The link's name on both hosts (letters, digits, '-' and '_'), the folders it may unpack into,
        /// post-copy's page port and bridge, and how long the destination accepts the key if nobody revokes it.</param>
        /// <param name="timeout">Bounds each stream sent over the link.</param>
        public static DirectLink Open(IHostSession source, IDirectLinkTarget destination, LinkGrant grant, TimeSpan timeout, CancellationToken ct)
        {
            var id = grant.Id;
            if (!Regex.IsMatch(id, "^[A-Za-z0-9_-]{1,64}$")) throw new ArgumentException($"'{id}' cannot name a link.", nameof(grant));
            if (destination.HostKey.Length == 0) throw new InvalidOperationException($"The connection to {destination.Name} has no verified host key to hand on.");
            // Named in the key's forced command, and in the command each stream asks for: nothing a shell or sshd would read.
            var unnameable = grant.Folders.FirstOrDefault(f => !HostPath.IsSafeAbsolute(f) || !Regex.IsMatch(f, "^[A-Za-z0-9._+,@%=/-]+$"));
            if (unnameable != null)
                throw new NotSupportedException($"The direct link names the folders it may write in its key's forced command, and '{unnameable}' has characters other than letters, digits and . _ + , @ % = - /.");
            var link = new DirectLink(source, destination, id, timeout) { _pagePort = grant.ListenPort, _memoryPort = grant.OpenPort, _lifetime = grant.Lifetime };
            try
            {
                var publicKey = PublicKey(link.RunOnSource(ct, "key"));
                link._authorized = true;
                var invariant = System.Globalization.CultureInfo.InvariantCulture;
                var unpack = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(HostScript.Text("tree-unpack.sh")));
                HostScript.Run(destination, link.OnDestination(new[] { "authorize", link._marker, publicKey,
                    Seconds(grant.Lifetime),
                    grant.ListenPort?.ToString(invariant) ?? (grant.OpenPort is int open ? "open:" + open.ToString(invariant) : "-"),
                    grant.PageBridge ?? "-", unpack }.Concat(grant.Folders)), StepTimeout, ct);
                var a = destination.ReachableAt;
                link.RunOnSource(ct, "connect", $"{a.UserName}@{a.HostName}", a.Port.ToString(invariant), destination.HostKey);
                return link;
            }
            catch
            {
                link.Dispose();
                throw;
            }
        }

        /// <summary>The link a dead controller opened under <paramref name="id"/>, to close what is left of it.</summary>
        public static DirectLink Leftover(IHostSession source, IDirectLinkTarget destination, string id, TimeSpan timeout)
        {
            if (!Regex.IsMatch(id, "^[A-Za-z0-9_-]{1,64}$")) throw new ArgumentException($"'{id}' cannot name a link.", nameof(id));
            return new DirectLink(source, destination, id, timeout) { _authorized = true };
        }

        /// <summary>"ssh-ed25519 BASE64" from ssh-keygen's .pub line, its comment dropped.</summary>
        internal static string PublicKey(string keygenOutput)
        {
            var words = keygenOutput.Trim().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || words[0] != "ssh-ed25519" || !Regex.IsMatch(words[1], "^[A-Za-z0-9+/=]+$"))
                throw new InvalidOperationException($"ssh-keygen gave no ed25519 public key: '{keygenOutput.Trim()}'.");
            return words[0] + " " + words[1];
        }

        // As the login user: its authorized_keys is the one sshd checks the link's logins against; a login that becomes
        // root has the script reach root itself, only for what needs it.
        private CommandLine OnDestination(IEnumerable<string> args)
        {
            var script = HostScript.Command("link-destination.sh", args);
            script.AsLoginUser = true;
            if ((_destination as SshHostSession)?.Options.Become == BecomeMethod.Sudo) script.Environment["LIVEMIGRATE_BECOME"] = "sudo";
            return script;
        }

        private string RunOnSource(CancellationToken ct, string command, params string[] args) =>
            HostScript.Run(_source, HostScript.Command("link-source.sh", new[] { command, _dir }.Concat(args)), StepTimeout, ct).StandardOutput;

        /// <summary>Streams the trees to the same paths on the destination.</summary>
        /// <param name="snapshot">As <see cref="ITreeTransport.Copy"/>'s.</param>
        /// <returns>The bytes of the tar stream sent.</returns>
        /// <param name="compression">Settled (not Auto); the destination decompresses inside its confined unpacking.</param>
        public long Copy(IReadOnlyList<string> absolutePaths, Action<long>? progress, CancellationToken ct, string? snapshot = null, StreamCompression compression = StreamCompression.None)
        {
            var send = HostScript.Command("link-source.sh", SendArguments(_dir, absolutePaths, snapshot, compression));
            send.HostTimeout = _timeout;
            using var process = _source.Start(send);
            process.StandardInput.Dispose();
            var said = new List<string>();
            long total = -1;
            using (ct.Register(process.Dispose))
            {
                try
                {
                    var reader = new StreamReader(process.StandardOutput);
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        Match m;
                        if ((m = Progress.Match(line)).Success) progress?.Invoke(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                        else if ((m = TreeTransfer.TarTotal.Match(line)).Success) total = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                        else said.Add(line.StartsWith("error=", StringComparison.Ordinal) ? line.Substring(6) : line);
                    }
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    throw new OperationCanceledException(ct);
                }
                var result = process.WaitForExit(_timeout + TimeSpan.FromSeconds(30), ct);
                if (!result.Succeeded || total < 0)
                    throw new CommandFailedException(_source.Name, send,
                        $"Streaming {string.Join(", ", absolutePaths)} from {_source.Name} to {_destination.Name} over the direct link failed (exit {result.ExitCode}): " +
                        CommandFailedException.Excerpt(string.Join(" ", said.Concat(new[] { result.StandardError.Trim() }).Where(s => s.Length > 0))));
            }
            progress?.Invoke(total);
            return total;
        }

        internal static string[] SendArguments(string dir, IReadOnlyList<string> absolutePaths, string? snapshot, StreamCompression compression)
        {
            foreach (var path in absolutePaths) TreeTransfer.RelativeToRoot(path);
            return new[] { "send", dir, snapshot ?? "-", StreamCodec.Word(compression), StreamCodec.Compressor(compression) ?? "-" }.Concat(absolutePaths).ToArray();
        }

        /// <summary>
        /// Carries post-copy's pages between 127.0.0.1:<paramref name="sourcePort"/> on the source (the lazy dump) and the
        /// one client that connects to 127.0.0.1:<paramref name="destinationPort"/> there, the page port the key was granted:
        /// a session of this link whose forced command listens there (the page guard's bridge). Returns once it listens.
        /// Like the link, it outlives this controller (a resume may find the pages all arrived); dispose to end it. Closing
        /// or revoking the link ends it too, as does the key's lifetime.
        /// </summary>
        public IDisposable CarryPages(int destinationPort, int sourcePort) =>
            Carry("pages", _pagePort, destinationPort, sourcePort, PageClients.Group);

        /// <summary>
        /// Stop's memory: lets the dump on the source reach the destination's page server on 127.0.0.1:<paramref name="destinationPort"/>
        /// (the port the link's grant opens) by connecting to 127.0.0.1:<paramref name="sourcePort"/> here, where
        /// <paramref name="sourceGuard"/> (the page guard installed on the source) listens and hands the one connection to a
        /// session of the link whose forced command connects there. Returns once it listens; dispose to end it.
        /// </summary>
        public IDisposable CarryMemory(int sourcePort, int destinationPort, string sourceGuard) =>
            Carry("memory", _memoryPort, destinationPort, sourcePort, sourceGuard);

        /// <summary>link-source.sh's <paramref name="verb"/> (pages or memory) for the port the key was granted, bounded by its lifetime; un<paramref name="verb"/> ends it.</summary>
        private IDisposable Carry(string verb, int? granted, int destinationPort, int sourcePort, string with)
        {
            if (granted != destinationPort)
                throw new InvalidOperationException($"The link's key may carry {verb} only to {(granted == null ? "no port" : "port " + granted)} on {_destination.Name}, not {destinationPort}.");
            RunOnSource(CancellationToken.None, verb, sourcePort.ToString(System.Globalization.CultureInfo.InvariantCulture), with, Seconds(_lifetime));
            return new Undo(() => RunOnSource(CancellationToken.None, "un" + verb));
        }

        /// <summary>A lifetime in whole seconds, rounded up, as the scripts take it.</summary>
        private static string Seconds(TimeSpan lifetime) => ((long)Math.Ceiling(lifetime.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

        private sealed class Undo : IDisposable
        {
            private Action? _undo;
            public Undo(Action undo) { _undo = undo; }

            public void Dispose()
            {
                var undo = Interlocked.Exchange(ref _undo, null);
                try { undo?.Invoke(); }
                catch (Exception) { /* the link's close ends the pages with the connection */ }
            }
        }

        /// <summary>Ends the connection and revokes the key; what could not be undone is thrown (the key still expires).</summary>
        public void Close()
        {
            if (_closed) return;
            _closed = true;
            var problems = new List<string>();
            try { RunOnSource(CancellationToken.None, "close"); }
            catch (Exception ex) { problems.Add(ex.Message); }
            if (_authorized)
            {
                try { HostScript.Run(_destination, OnDestination(new[] { "revoke", _marker }), StepTimeout, CancellationToken.None); }
                catch (Exception ex) { problems.Add(ex.Message + " The key expires on its own."); }
            }
            if (problems.Count > 0) throw new InvalidOperationException("Closing the direct link left something behind: " + string.Join(" ", problems));
        }

        public void Dispose()
        {
            try { Close(); }
            catch (Exception) { /* Close() is where a caller hears of it; the key expires regardless */ }
        }
    }
}
