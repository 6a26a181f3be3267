@testable import EmporiumCatalog
import Testing

@Suite struct ByteBoundedLRUTests {
    @Test func evictsLeastRecentlyUsedToStayWithinTheCost() {
        var lru = ByteBoundedLRU<String, Int>(costLimit: 100)
        lru.put("a", 1, cost: 40)
        lru.put("b", 2, cost: 40)
        #expect(lru.get("a") == 1)  // a is now the most recent
        lru.put("c", 3, cost: 40)  // evicts b, the least recent
        #expect(lru.get("b") == nil)
        #expect(lru.get("a") == 1)
        #expect(lru.get("c") == 3)
        #expect(lru.totalCost == 80)
        #expect(lru.count == 2)
        lru.put("a", 10, cost: 10)  // replacing frees the old cost
        #expect(lru.totalCost == 50)
        #expect(lru.get("a") == 10)
        lru.put("huge", 0, cost: 101)  // more than the whole bound: not kept, nothing evicted
        #expect(lru.get("huge") == nil)
        #expect(lru.count == 2)
        lru.put("d", 4, cost: 100)  // needs everything
        #expect(lru.count == 1 && lru.totalCost == 100 && lru.get("d") == 4)
        lru.removeAll()
        #expect(lru.count == 0 && lru.totalCost == 0 && lru.get("d") == nil)
    }

    @Test func randomOperationsMatchAReferenceModel() {
        var lru = ByteBoundedLRU<Int, Int>(costLimit: 500)
        var model: [(key: Int, value: Int, cost: Int)] = []  // most recent last
        var generator = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<60, using: &generator)
            if Bool.random(using: &generator) {
                let cost = Int.random(in: 1...80, using: &generator)
                lru.put(key, step, cost: cost)
                model.removeAll { $0.key == key }
                model.append((key, step, cost))
                while model.reduce(0, { $0 + $1.cost }) > 500 { model.removeFirst() }
            } else {
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                if let expected { model.append(expected) }
                #expect(lru.get(key) == expected?.value)
            }
            #expect(lru.totalCost == model.reduce(0) { $0 + $1.cost })
            #expect(lru.count == model.count)
            #expect(lru.totalCost <= 500)
        }
    }
}
