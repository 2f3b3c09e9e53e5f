using System.Security.Cryptography;
using System.Text;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;

namespace CypherScoping.Risk.Domain;

public enum ApprovalStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
    Expired = 3,
    Denied = 4,
}

/// <summary>An order waiting for a human (the signal is kept so limits can be checked again on approval).</summary>
public sealed record PendingApproval
{
    public required Guid ApprovalId { get; init; }
    public required Guid SignalId { get; init; }
    public required string Symbol { get; init; }
    public required decimal RequestedPrice { get; init; }
    public required decimal BandPercent { get; init; }
    public required decimal Notional { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required SignalGenerated Signal { get; init; }
    public ApprovalStatus Status { get; init; } = ApprovalStatus.Pending;
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecidedBy { get; init; }
    public string? ErrorCode { get; init; }
    public string? Reason { get; init; }
}

/// <summary>When approval is needed and whether an approval may still turn into an order. Default deny.</summary>
public static class ApprovalRules
{
    public static bool IsRequired(RiskLimits limits, decimal notional) => limits.Approval switch
    {
        ApprovalMode.EveryTrade => true,
        ApprovalMode.AboveThreshold => notional > limits.ApprovalNotionalThreshold,
        _ => false,
    };

    /// <summary>Deterministic: the same signal always asks under the same approval id.</summary>
    public static Guid IdFor(Guid signalId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("approval:" + signalId.ToString("N")));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>Null when the approval may proceed to the limits re-check, else the denial code and reason.</summary>
    public static (string Code, string Reason)? Check(PendingApproval approval, DateTimeOffset now, decimal? currentPrice)
    {
        if (approval.Status != ApprovalStatus.Pending)
        {
            return (ErrorCodes.ApprovalRejected, $"approval is already {approval.Status.ToString().ToLowerInvariant()}");
        }

        if (now >= approval.ExpiresAt)
        {
            return (ErrorCodes.ApprovalExpired, $"approval expired at {approval.ExpiresAt:O}");
        }

        if (currentPrice is not { } price || price <= 0m)
        {
            return (ErrorCodes.ApprovalPriceMoved, "no current price to check against the band; default deny");
        }

        var movePercent = Math.Abs(price - approval.RequestedPrice) / approval.RequestedPrice * 100m;
        return movePercent > approval.BandPercent
            ? (ErrorCodes.ApprovalPriceMoved, $"price moved {movePercent:0.###} % from {approval.RequestedPrice} to {price}; band is {approval.BandPercent} %")
            : null;
    }
}
