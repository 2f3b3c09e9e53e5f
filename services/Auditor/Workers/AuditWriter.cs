using System.Text;
using System.Threading.Channels;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CypherScoping.Auditor.Workers;

/// <summary>
/// The single writer of the trail. Consumers submit drafts and wait; the writer takes everything queued (up to
/// BatchSize), chains and commits it in one transaction, appends the JSONL mirror lines, and only then completes the
/// submissions — so a message is acknowledged only after its row is committed (a crash before commit loses nothing:
/// the broker redelivers) and its line is in the mirror. The mirror resumes from the trail after a crash.
/// An unreachable database is waited out (Audit:DatabaseOutageSeconds), retrying the same batch: appends are keyed by
/// message id, so a retry after a commit whose answer was lost adds nothing. Only then does the batch fail back to
/// the bus, whose few quick retries alone would send every message of a database restart to the error queue.
/// </summary>
public sealed partial class AuditWriter : IHostedService, IAsyncDisposable
{
    private readonly ServiceDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly string _logPath;
    private readonly TimeSpan _outageTolerance;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private long _mirroredSeq = -1;
    private int _disposed;

    public AuditWriter(ServiceDatabase database, AuditOptions options, TimeProvider time, ILogger<AuditWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _batchSize = options.BatchSize;
        _logPath = Path.GetFullPath(options.LogPath);
        _outageTolerance = TimeSpan.FromSeconds(options.DatabaseOutageSeconds);
    }

    public string LogPath => _logPath;

    /// <summary>Completes when the row is committed and mirrored (or was already there); throws when the commit failed.</summary>
    public Task SubmitAsync(AuditDraft draft, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        var pending = new Pending(draft, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("the audit writer is stopped");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    /// <summary>Finish what is queued, then stop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(() => RunAsync(_stop.Token));
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_batchSize);
        while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _batchSize && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await WriteThroughOutagesAsync(batch, stop).ConfigureAwait(false);
                foreach (var p in batch)
                {
                    p.Done.TrySetResult();
                }
            }
            catch (Exception ex) when (batch.Count > 1 && ex is not OperationCanceledException && !IsUnreachable(ex))
            {
                // Isolate a poison draft: write one by one, so only the bad one fails (and is retried / faulted).
                LogBatchFailed(_logger, batch.Count, ex.GetType().Name, ex.Message);
                foreach (var p in batch)
                {
                    try
                    {
                        await WriteAsync([p], stop).ConfigureAwait(false);
                        p.Done.TrySetResult();
                    }
                    catch (Exception single)
                    {
                        p.Done.TrySetException(single);
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var p in batch)
                {
                    p.Done.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// Write the batch, waiting out an unreachable database with growing pauses up to the outage tolerance. Wall-clock
    /// time on purpose: this waits for a server, not for market time (a paper run's virtual clock stands still).
    /// </summary>
    private async Task WriteThroughOutagesAsync(List<Pending> batch, CancellationToken stop)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(250);
        var outage = false;
        while (true)
        {
            try
            {
                await WriteAsync(batch, stop).ConfigureAwait(false);
                if (outage)
                {
                    LogDatabaseBack(_logger, batch.Count, waited.Elapsed.TotalSeconds);
                }

                return;
            }
            catch (Exception ex) when (IsUnreachable(ex) && waited.Elapsed < _outageTolerance && !stop.IsCancellationRequested)
            {
                if (!outage)
                {
                    LogDatabaseUnreachable(_logger, batch.Count, _outageTolerance.TotalSeconds, ex.Message);
                    outage = true;
                }

                await Task.Delay(pause, stop).ConfigureAwait(false);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// <summary>The database could not be reached or dropped the connection (not a bad row, which fails at once).</summary>
    internal static bool IsUnreachable(Exception ex) => ex switch
    {
        System.Data.Common.DbException db when db.IsTransient => true,
        IOException or System.Net.Sockets.SocketException or TimeoutException => true,
        _ => ex.InnerException is { } inner && IsUnreachable(inner),
    };

    private async Task WriteAsync(List<Pending> batch, CancellationToken stop)
    {
        var drafts = batch.Select(p => p.Draft).ToList();
        var rows = await AuditStore.AppendAsync(_database, drafts, _time.GetUtcNow(), stop).ConfigureAwait(false);
        try
        {
            var bodies = batch.Count == 1
                ? new Dictionary<Guid, string> { [batch[0].Draft.MessageId] = batch[0].Draft.LineBody }
                : batch.DistinctBy(p => p.Draft.MessageId).ToDictionary(p => p.Draft.MessageId, p => p.Draft.LineBody);
            await MirrorAsync(rows, bodies, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The rows are committed: the trail is the truth. The mirror catches up on the next batch.
            _mirroredSeq = -1;
            LogMirrorFailed(_logger, _logPath, ex.Message);
        }
    }

    /// <summary>Append the committed rows to the JSONL file, first catching up anything the file is missing.</summary>
    private async Task MirrorAsync(IReadOnlyList<AuditRow> rows, Dictionary<Guid, string> bodies, CancellationToken stop)
    {
        if (rows.Count == 0 && _mirroredSeq >= 0)
        {
            return;
        }

        if (_mirroredSeq < 0)
        {
            _mirroredSeq = await LastMirroredSeqAsync(stop).ConfigureAwait(false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_logPath)!);
        await using var stream = new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        var firstNew = rows.Count > 0 ? rows[0].Seq : long.MaxValue;
        if (firstNew <= _mirroredSeq)
        {
            // The file mirrors another (older) trail: keep it and continue after it.
            LogMirrorAhead(_logger, _logPath, _mirroredSeq, firstNew);
            _mirroredSeq = firstNew - 1;
        }

        if (_mirroredSeq + 1 < firstNew)
        {
            await foreach (var missing in AuditStore.ReadAsync(_database, _mirroredSeq, cancellationToken: stop).ConfigureAwait(false))
            {
                if (missing.Seq >= firstNew)
                {
                    break;
                }

                await writer.WriteLineAsync(AuditLine.Format(missing)).ConfigureAwait(false);
                _mirroredSeq = missing.Seq;
            }
        }

        foreach (var row in rows)
        {
            if (row.Seq > _mirroredSeq)
            {
                await writer.WriteLineAsync(bodies.TryGetValue(row.MessageId, out var body) ? AuditLine.Format(row, body) : AuditLine.Format(row)).ConfigureAwait(false);
                _mirroredSeq = row.Seq;
            }
        }

        await writer.FlushAsync(stop).ConfigureAwait(false);
    }

    /// <summary>The seq of the last complete line in the mirror (0 when the file is missing or empty).</summary>
    private async Task<long> LastMirroredSeqAsync(CancellationToken stop)
    {
        if (!File.Exists(_logPath))
        {
            return 0;
        }

        await using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var length = stream.Length;
        var take = (int)Math.Min(length, 1 << 20);
        stream.Seek(length - take, SeekOrigin.Begin);
        var buffer = new byte[take];
        await stream.ReadExactlyAsync(buffer, stop).ConfigureAwait(false);
        var lastNewline = Array.LastIndexOf(buffer, (byte)'\n');
        if (take > 0 && buffer[^1] != (byte)'\n')
        {
            // A torn last line (crash mid-write): cut it off; its row is re-mirrored from the trail.
            stream.SetLength(length - take + lastNewline + 1);
        }

        var text = lastNewline < 0 ? string.Empty : Encoding.UTF8.GetString(buffer, 0, lastNewline + 1);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (AuditLine.SeqOf(lines[i]) is { } seq)
            {
                return seq;
            }
        }

        return 0;
    }

    private sealed record Pending(AuditDraft Draft, TaskCompletionSource Done);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit batch of {Count} failed ({ErrorType}: {Error}); writing its messages one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit mirror {Path} ends at seq {FileSeq} but the trail continues at {TrailSeq}: the file belongs to another trail; appending after it")]
    private static partial void LogMirrorAhead(ILogger logger, string path, long fileSeq, long trailSeq);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit database unreachable ({Error}): holding {Count} events unacknowledged and retrying for up to {ToleranceSeconds} s")]
    private static partial void LogDatabaseUnreachable(ILogger logger, int count, double toleranceSeconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit database reachable again after {Seconds:F1} s; {Count} held events committed")]
    private static partial void LogDatabaseBack(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit mirror {Path} could not be written ({Error}); rows are committed, the mirror will catch up")]
    private static partial void LogMirrorFailed(ILogger logger, string path, string error);
}
