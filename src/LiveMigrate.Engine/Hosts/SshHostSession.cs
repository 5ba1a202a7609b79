using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Commands;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace LiveMigrate.Hosts
{
    /// <summary>One SSH connection to a host, opened once and shared by every command sent to it.</summary>
    public sealed class SshHostSession : IDirectLinkTarget
    {
        // Fastest first on the paths measured here; SSH.NET would otherwise negotiate aes128-ctr.
        private static readonly string[] PreferredCiphers = { "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr" };
        private readonly SshClient _client;

        private readonly HostKeyPolicy _hostKeys;
        private HostKeyException? _refusal;

        private SshHostSession(HostConnectionOptions options, SshClient client, HostKeyPolicy hostKeys)
        {
            Options = options;
            _client = client;
            _hostKeys = hostKeys;
            // SSH.NET trusts by default: the policy decides every time, the first connection and each reconnect.
            _client.HostKeyReceived += (_, e) =>
            {
                _refusal = _hostKeys.Check(e.HostKey);
                e.CanTrust = _refusal == null;
            };
        }

        public HostConnectionOptions Options { get; }
        public string Name => Options.Address.ToString();
        public bool IsConnected => !_disposed && _client.IsConnected;
        public string Cipher => _client.ConnectionInfo.CurrentClientEncryption ?? "";
        public HostAddress ReachableAt => Options.LinkAddress ?? Options.Address;
        /// <summary>The host key this connection verified, as known_hosts writes it ("type base64").</summary>
        public string HostKey => _hostKeys.Pinned is byte[] k ? KnownHosts.KeyType(k) + " " + Convert.ToBase64String(k) : "";

        /// <summary>Connects, checking the host key against known_hosts before anything is authenticated.</summary>
        public static SshHostSession Connect(HostConnectionOptions options)
        {
            var a = options.Address;
            var info = new ConnectionInfo(a.HostName, a.Port, a.UserName, AuthenticationMethods(options).ToArray())
            {
                Timeout = options.ConnectTimeout,
            };
            PreferCiphers(info);
            OfferOnlyKnownKeyTypes(info, options.LoadKnownHosts().KeyTypesFor(a.KnownHostsName));
            var session = new SshHostSession(options, new SshClient(info), new HostKeyPolicy(options));
            try
            {
                session._client.Connect();
            }
            catch (Exception ex)
            {
                session._client.Dispose();
                if (session._refusal != null) throw session._refusal;
                throw new HostConnectionException(a, Explain(a, ex), ex);
            }
            // A reconnect asks for the type just verified: its key is the only one it will accept.
            OfferOnlyKnownKeyTypes(info, new[] { KnownHosts.KeyType(session._hostKeys.Pinned!) });
            session._client.KeepAliveInterval = TimeSpan.FromSeconds(15);
            return session;
        }

        public CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            // Input comes from /dev/null on the host: a command that needs none may end before an input
            // stream could even be opened for it.
            var text = command.ToShellString(Options.Become) + (command.StandardInput == StreamTarget.Inherit ? " </dev/null" : "");
            using var process = Launch(command, text, withInput: false);
            return process.WaitForExit(timeout, cancellationToken);
        }

        public IHostProcess Start(CommandLine command) => Launch(command, command.ToShellString(Options.Become), withInput: true);

        private SshHostProcess Launch(CommandLine command, string text, bool withInput)
        {
            if (_disposed || !_client.IsConnected) Reconnect(command);
            var cmd = _client.CreateCommand(text);
            cmd.CommandTimeout = Timeout.InfiniteTimeSpan;
            return new SshHostProcess(this, command, cmd, withInput);
        }

        /// <summary>
        /// Carries connections made to 127.0.0.1:<paramref name="hostPort"/> on this host through this SSH
        /// connection to 127.0.0.1:<paramref name="controllerPort"/> here, on the controller.
        /// </summary>
        public IDisposable ForwardFromHost(int hostPort, int controllerPort) =>
            Forward(new ForwardedPortRemote("127.0.0.1", (uint)hostPort, "127.0.0.1", (uint)controllerPort));

        private IDisposable Forward(ForwardedPort port)
        {
            _client.AddForwardedPort(port);
            port.Start();
            return new Forwarding(_client, port);
        }

        private sealed class Forwarding : IDisposable
        {
            private readonly SshClient _client;
            private readonly ForwardedPort _port;

            public Forwarding(SshClient client, ForwardedPort port)
            {
                _client = client;
                _port = port;
            }

            public void Dispose()
            {
                try { _port.Stop(); } catch (Exception) { /* the connection may be gone already */ }
                try { _client.RemoveForwardedPort(_port); } catch (Exception) { /* idem */ }
                _port.Dispose();
            }
        }

        // A dropped connection is opened again, with the same host key check: a rollback must still reach
        // the source after the network hiccup that made the migration fail.
        private void Reconnect(CommandLine command)
        {
            lock (_client)
            {
                if (_disposed) throw new CommandFailedException(Name, command, $"The connection to {Name} was closed with Remove-MigrationHost; open it again with New-MigrationHost.");
                if (_client.IsConnected) return;
                _refusal = null;
                try { _client.Connect(); }
                catch (Exception ex)
                {
                    var why = _refusal ?? ex;
                    throw new CommandFailedException(Name, command, $"The SSH connection to {Name} dropped and could not be opened again: {why.Message}", inner: why);
                }
            }
        }

        private volatile bool _disposed;

        public void Dispose()
        {
            _disposed = true;
            try { _client.Disconnect(); } catch (Exception) { /* already gone: nothing to close */ }
            _client.Dispose();
        }

        private static IEnumerable<AuthenticationMethod> AuthenticationMethods(HostConnectionOptions o)
        {
            var user = o.Address.UserName;
            if (o.PrivateKey != null)
            {
                yield return new PrivateKeyAuthenticationMethod(user, KeyFromText(o.PrivateKey, o.Secret));
                yield break;
            }
            if (o.KeyFilePath != null)
            {
                if (!File.Exists(o.KeyFilePath))
                    throw new FileNotFoundException($"The key file '{o.KeyFilePath}' does not exist. Give -KeyFilePath the private key that the host's authorized_keys trusts.", o.KeyFilePath);
                yield return new PrivateKeyAuthenticationMethod(user, ReadKey(o.KeyFilePath, o.Secret));
                yield break;
            }
            if (o.Secret != null)
            {
                yield return new PasswordAuthenticationMethod(user, o.Secret);
                yield break;
            }
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var keys = new[] { "id_ed25519", "id_ecdsa", "id_rsa" }
                .Select(n => Path.Combine(home, ".ssh", n)).Where(File.Exists)
                .Select(p => (IPrivateKeySource)new PrivateKeyFile(p)).ToArray();
            if (keys.Length == 0)
                throw new ArgumentException($"No way to authenticate to {o.Address}: give -KeyFilePath, or -Credential with a password, or put a key in ~/.ssh.");
            yield return new PrivateKeyAuthenticationMethod(user, keys);
        }

        /// <summary>Bounds a key given as text: an RSA 16384-bit key in PEM is under 13 KiB.</summary>
        public const int MaxPrivateKeyLength = 65536;

        private static PrivateKeyFile ReadKey(string path, string? passphrase) =>
            ParseKey(() => passphrase is null ? new PrivateKeyFile(path) : new PrivateKeyFile(path, passphrase), $"The key file '{path}'", "-KeyFilePath", showCause: true);

        // Never a word of the text in a message: it is the secret.
        private static PrivateKeyFile KeyFromText(string text, string? passphrase)
        {
            if (text.Length > MaxPrivateKeyLength)
                throw new ArgumentException($"The private key given in memory is {text.Length} characters long; a private key is at most {MaxPrivateKeyLength}. Give -PrivateKey the key's text, not another file.");
            return ParseKey(() =>
            {
                using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n")));
                return passphrase is null ? new PrivateKeyFile(stream) : new PrivateKeyFile(stream, passphrase);
            }, "The private key given in memory", "-PrivateKey", showCause: false);
        }

        private static PrivateKeyFile ParseKey(Func<PrivateKeyFile> read, string what, string parameter, bool showCause)
        {
            try
            {
                return read();
            }
            catch (SshPassPhraseNullOrEmptyException)
            {
                throw new ArgumentException($"{what} is protected by a passphrase: give it as the password of -Credential.");
            }
            catch (Exception ex) when (ex is SshException || ex is InvalidOperationException || ex is FormatException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw new ArgumentException($"{what} is not a private key that can be read ({(showCause ? ex.Message : ex.GetType().Name)}). Give {parameter} an OpenSSH, PEM or PuTTY private key.", showCause ? ex : null);
            }
        }

        /// <summary>
        /// Like OpenSSH, ask only for key types already recorded for the host: otherwise a host known by its
        /// RSA key would present an ed25519 key that looks "unknown", and -AcceptNewHostKey would take any.
        /// </summary>
        private static void OfferOnlyKnownKeyTypes(ConnectionInfo info, IReadOnlyCollection<string> knownTypes)
        {
            if (knownTypes.Count == 0) return;
            foreach (var algorithm in info.HostKeyAlgorithms.Keys.ToList())
            {
                if (!knownTypes.Contains(KeyTypeOf(algorithm))) info.HostKeyAlgorithms.Remove(algorithm);
            }
        }

        private static string KeyTypeOf(string algorithm) =>
            algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : algorithm;

        private static void PreferCiphers(ConnectionInfo info)
        {
            var all = info.Encryptions.ToList();
            info.Encryptions.Clear();
            foreach (var name in PreferredCiphers)
                foreach (var kv in all.Where(kv => kv.Key == name)) info.Encryptions.Add(kv.Key, kv.Value);
            foreach (var kv in all.Where(kv => !PreferredCiphers.Contains(kv.Key))) info.Encryptions.Add(kv.Key, kv.Value);
        }

        private static string Explain(HostAddress a, Exception ex) => ex switch
        {
            SshAuthenticationException _ => $"{a} refused authentication as '{a.UserName}' ({ex.Message}). Check -UserName and that the key or password is accepted by the host.",
            System.Net.Sockets.SocketException se => $"Cannot reach {a}: {se.Message}. Check the host name, -Port and that sshd is running.",
            SshOperationTimeoutException _ => $"Connecting to {a} timed out. Check that the host is reachable and sshd is running.",
            _ => $"Cannot connect to {a}: {ex.Message}",
        };

        private sealed class SshHostProcess : IHostProcess
        {
            private readonly SshHostSession _session;
            private readonly CommandLine _command;
            private readonly SshCommand _cmd;
            private readonly Task _execution;
            private readonly Stopwatch _clock = Stopwatch.StartNew();
            private readonly Stream _input;

            public SshHostProcess(SshHostSession session, CommandLine command, SshCommand cmd, bool withInput)
            {
                _session = session;
                _command = command;
                _cmd = cmd;
                _execution = cmd.ExecuteAsync(CancellationToken.None);
                _input = withInput ? OpenInput(cmd) : Stream.Null;
            }

            // SSH.NET refuses an input stream once the command has ended; a command that ended at once
            // reads nothing, and what is written to it is lost, as with a process that exited.
            private static Stream OpenInput(SshCommand cmd)
            {
                try { return cmd.CreateInputStream(); }
                catch (InvalidOperationException) { return Stream.Null; }
            }

            public Stream StandardOutput => _cmd.OutputStream;
            public Stream StandardInput => _input;

            public CommandResult WaitForExit(TimeSpan timeout, CancellationToken cancellationToken)
            {
                // Drain stdout alongside, or a chatty command blocks on a full window.
                var stdout = Task.Run(() => new StreamReader(_cmd.OutputStream).ReadToEnd());
                var stderr = Task.Run(() => new StreamReader(_cmd.ExtendedOutputStream).ReadToEnd());
                try
                {
                    if (!_execution.Wait((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), cancellationToken))
                    {
                        Kill();
                        throw new CommandFailedException(_session.Name, _command, $"'{_command}' on {_session.Name} did not finish within {timeout.TotalSeconds:0.#} s and was killed.") { TimedOut = true };
                    }
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    throw;
                }
                catch (AggregateException ex) when (ex.InnerException != null)
                {
                    throw new CommandFailedException(_session.Name, _command, $"'{_command}' on {_session.Name} failed: {ex.InnerException.Message}", inner: ex.InnerException);
                }
                Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromSeconds(10));
                var code = _cmd.ExitStatus ?? (_cmd.ExitSignal != null ? 128 + 9 : -1);
                var err = stderr.IsCompleted ? stderr.Result : "";
                if (_cmd.ExitSignal != null) err += $"(killed by signal {_cmd.ExitSignal})";
                return new CommandResult(code, stdout.IsCompleted ? stdout.Result : "", err, _clock.Elapsed);
            }

            private void Kill()
            {
                try { _cmd.CancelAsync(forceKill: true, millisecondsTimeout: 2000); } catch (Exception) { /* the remote timeout wrapper is the backstop */ }
            }

            public void Dispose()
            {
                try { _input.Dispose(); } catch (Exception) { /* channel already closed */ }
                _cmd.Dispose();
            }
        }
    }
}
