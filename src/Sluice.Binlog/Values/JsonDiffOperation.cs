namespace Sluice.Binlog.Values;

/// <summary>The operation of one logical JSON diff in a PARTIAL_UPDATE_ROWS_EVENT (MySQL enum_json_diff_operation).</summary>
public enum JsonDiffOperation : byte
{
    /// <summary>Replace the existing value at the path.</summary>
    Replace = 0,

    /// <summary>Add a member to an object, or insert an element into an array at the index.</summary>
    Insert = 1,

    /// <summary>Remove the member or element at the path (no value).</summary>
    Remove = 2,
}
