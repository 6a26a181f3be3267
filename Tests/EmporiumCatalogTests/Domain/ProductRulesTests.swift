@testable import EmporiumCatalog
import EmporiumCore
import Testing
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

@Suite struct ProductRulesTests {
    static func draft(
        name: String = "Merino Crew Sweater",
        slug: String = "merino-crew-sweater",
        variants: [VariantDraft] = [VariantDraft(sku: "TOP-1-M", name: "M", price: Money(amount: 4999, currency: "USD"), attributes: ["size": "M"])]
    ) -> ProductDraft {
        ProductDraft(name: name, slug: slug, description: "Soft.", categoryId: "cat_1", imageUrl: "https://img.example/x.jpg", variants: variants)
    }

    func fields(_ draft: ProductDraft) -> [String] {
        do {
            try ProductRules.validate(draft)
            return []
        } catch let error as CatalogError {
            let problem = error.problem
            #expect(problem.status == .unprocessableContent)
            return problem.errors.map(\.field)
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test func aValidDraftPasses() throws {
        try ProductRules.validate(Self.draft())
    }

    @Test func priceIsTheLowestVariantPrice() {
        let draft = Self.draft(variants: [
            VariantDraft(sku: "A", name: "A", price: Money(amount: 900, currency: "USD"), attributes: [:]),
            VariantDraft(sku: "B", name: "B", price: Money(amount: 700, currency: "USD"), attributes: [:]),
        ])
        #expect(draft.price == Money(amount: 700, currency: "USD"))
    }

    @Test func everyBrokenFieldIsReportedAtOnce() {
        let broken = ProductDraft(
            name: "  ",
            slug: "Not A Slug",
            description: "",
            categoryId: "",
            imageUrl: "ftp://x",
            variants: [
                VariantDraft(sku: "bad sku", name: "", price: Money(amount: -1, currency: "EUR"), attributes: [:]),
                VariantDraft(sku: "OK-1", name: "x", price: Money(amount: 1, currency: "USD"), attributes: [:]),
                VariantDraft(sku: "OK-1", name: "y", price: Money(amount: 1, currency: "USD"), attributes: [:]),
            ]
        )
        let fields = self.fields(broken)
        for field in [
            "name", "slug", "categoryId", "imageUrl", "variants[0].sku", "variants[0].name",
            "variants[0].price.amount", "variants[0].price.currency", "variants[2].sku",
        ] {
            #expect(fields.contains(field), "missing \(field) in \(fields)")
        }
    }

    @Test func noVariantsIsInvalid() {
        #expect(self.fields(Self.draft(variants: [])) == ["variants"])
    }

    @Test(arguments: [
        ("Merino Crew Sweater", "merino-crew-sweater"),
        ("Crème Brûlée Torch", "creme-brulee-torch"),
        ("Chef's Knife, 20 cm", "chef-s-knife-20-cm"),
        ("  --Über--Soft--  ", "uber-soft"),
        ("商品", ""),
    ])
    func slugsDeriveFromNames(_ name: String, _ slug: String) {
        #expect(Slug.derive(from: name) == slug)
    }

    @Test func searchPatternsTreatWildcardsLiterally() {
        #expect(SearchText.containsPattern("50%_off") == "%50\\%\\_off%")
        #expect(SearchText.containsPattern("CAFÉ") == "%café%")
        #expect(SearchText.containsPattern("a\\b") == "%a\\\\b%")
    }
}
