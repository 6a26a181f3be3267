/// A least-recently-used map bounded by the total cost (bytes) of what it holds, with O(1)
/// get and put: a dictionary from key to slot, and a doubly linked list threaded through an
/// array of slots (indices, not references, so there is nothing to retain or release).
/// Not synchronised: the owner keeps it behind a lock.
struct ByteBoundedLRU<Key: Hashable, Value> {
    fileprivate struct Node {
        var key: Key
        var value: Value
        var cost: Int
        var newer: Int?
        var older: Int?
    }

    /// The most the entries may cost together.
    let costLimit: Int
    private(set) var totalCost = 0
    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    private var slots: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    init(costLimit: Int) {
        self.costLimit = costLimit
    }

    var count: Int { self.slots.count }

    /// The value for `key`, which becomes the most recently used.
    mutating func get(_ key: Key) -> Value? {
        guard let slot = self.slots[key], let node = self.nodes[slot] else { return nil }
        self.moveToNewest(slot)
        return node.value
    }

    /// Stores `value` as the most recently used, evicting the least recently used entries
    /// until everything fits. A value costing more than the whole limit is not kept.
    mutating func put(_ key: Key, _ value: Value, cost: Int) {
        self.remove(key)
        guard cost <= self.costLimit else { return }
        while self.totalCost + cost > self.costLimit, let oldest = self.oldest, let node = self.nodes[oldest] {
            self.remove(node.key)
        }
        let node = Node(key: key, value: value, cost: cost, newer: nil, older: self.newest)
        let slot: Int
        if let free = self.freeSlots.popLast() {
            slot = free
            self.nodes[slot] = node
        } else {
            slot = self.nodes.count
            self.nodes.append(node)
        }
        if let newest = self.newest { self.nodes[newest]?.newer = slot }
        self.newest = slot
        if self.oldest == nil { self.oldest = slot }
        self.slots[key] = slot
        self.totalCost += cost
    }

    mutating func remove(_ key: Key) {
        guard let slot = self.slots.removeValue(forKey: key), let node = self.nodes[slot] else { return }
        self.unlink(slot, node)
        self.nodes[slot] = nil
        self.freeSlots.append(slot)
        self.totalCost -= node.cost
    }

    mutating func removeAll() {
        self.nodes.removeAll(keepingCapacity: true)
        self.freeSlots.removeAll(keepingCapacity: true)
        self.slots.removeAll(keepingCapacity: true)
        self.newest = nil
        self.oldest = nil
        self.totalCost = 0
    }

    private mutating func moveToNewest(_ slot: Int) {
        guard self.newest != slot, let node = self.nodes[slot] else { return }
        self.unlink(slot, node)
        self.nodes[slot]?.older = self.newest
        self.nodes[slot]?.newer = nil
        if let newest = self.newest { self.nodes[newest]?.newer = slot }
        self.newest = slot
        if self.oldest == nil { self.oldest = slot }
    }

    private mutating func unlink(_ slot: Int, _ node: Node) {
        if let newer = node.newer { self.nodes[newer]?.older = node.older } else { self.newest = node.older }
        if let older = node.older { self.nodes[older]?.newer = node.newer } else { self.oldest = node.newer }
    }
}

extension ByteBoundedLRU: Sendable where Key: Sendable, Value: Sendable {}
extension ByteBoundedLRU.Node: Sendable where Key: Sendable, Value: Sendable {}
