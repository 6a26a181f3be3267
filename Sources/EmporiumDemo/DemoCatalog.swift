// Demo catalog used to seed development databases, demos and tests: catalog seeds its
// products from it and inventory their stock, so it lives apart from both services.
// Pure Swift, no Foundation: everything below is plain data plus a small generator.

public struct DemoCategory: Sendable {
    public let slug: String
    public let name: String
}

public struct DemoVariant: Sendable {
    public let sku: String
    public let name: String
    public let priceAmount: Int
    public let attributes: [String: String]
}

public struct DemoProduct: Sendable {
    public let categorySlug: String
    public let name: String
    public let description: String
    public let imageUrl: String
    public let variants: [DemoVariant]
}

/// A realistic demo catalog: 13 categories, 277 products and 791 variants.
///
/// Products are built by combining a fixed set of modifiers (materials, styles) with
/// product lines per category, plus a handful of hand-written specials whose names
/// contain non-ASCII characters (to exercise search and slug folding).
///
/// The catalog is fully deterministic: the only "variety" (variant counts, colour
/// picks, price jitter, description wording) comes from an FNV-1a hash of the
/// category slug and product name, never from a system random source. `products()`
/// returns the same array on every call, ordered by category and then by product,
/// so tests may rely on exact counts, names, SKUs and prices.
public enum DemoCatalog {
    public static let categories: [DemoCategory] = specs.map { DemoCategory(slug: $0.slug, name: $0.name) }

    /// All demo products, ordered by category (as in `categories`) and then by product.
    public static func products() -> [DemoProduct] {
        allProducts
    }

    /// Every demo SKU, for the services that keep data about them (inventory's demo stock).
    public static var skus: [String] {
        allProducts.flatMap { $0.variants.map(\.sku) }
    }

    private static let allProducts: [DemoProduct] = specs.flatMap(buildProducts(for:))
    private static let imageBaseUrl = "https://images.emporium.example/products/"
}

// MARK: - Specification types

extension DemoCatalog {
    private struct Option: Sendable {
        let label: String
        let code: String
        let priceDelta: Int

        init(_ label: String, _ code: String, _ priceDelta: Int = 0) {
            self.label = label
            self.code = code
            self.priceDelta = priceDelta
        }
    }

    /// How the variants of a product line are formed.
    private enum Plan: Sendable {
        /// Sizes S–XL combined with one to three colours from the palette (XL costs 2.00 more).
        case apparel([String])
        /// EU shoe sizes 40–45 combined with one or two colours from the palette.
        case shoes([String])
        /// One to four colours from the palette, same price.
        case colours([String])
        /// Every option listed, stored under the given attribute key ("size", "capacity", …).
        case options(String, [Option])
        /// A single "Default" variant without attributes.
        case single
    }

    /// A product line: every modifier combined with the noun becomes one product.
    private struct Line: Sendable {
        let noun: String
        let modifiers: [String]
        let basePrice: Int
        let plan: Plan
        let features: [String]
        let fixedDescription: String?

        init(_ noun: String, _ modifiers: [String], base: Int, _ plan: Plan, features: [String]) {
            self.noun = noun
            self.modifiers = modifiers
            self.basePrice = base
            self.plan = plan
            self.features = features
            self.fixedDescription = nil
        }

        /// A one-off product with a hand-written name and description.
        init(special name: String, base: Int, _ plan: Plan, description: String) {
            self.noun = name
            self.modifiers = [""]
            self.basePrice = base
            self.plan = plan
            self.features = []
            self.fixedDescription = description
        }
    }

    private struct CategorySpec: Sendable {
        let slug: String
        let name: String
        let skuPrefix: String
        let lines: [Line]
        let closers: [String]
    }
}

// MARK: - Data

extension DemoCatalog {
    private static let sizeSmallLarge = [Option("Small", "SM"), Option("Large", "LG", 1000)]
    private static let bedSizes = [Option("Single", "SGL"), Option("Double", "DBL", 2000), Option("King", "KNG", 4000)]

    private static let specs: [CategorySpec] = [
        CategorySpec(
            slug: "tops-knitwear", name: "Tops & Knitwear", skuPrefix: "TOP",
            lines: [
                Line("Crew Sweater", ["Cotton", "Merino", "Lambswool", "Cashmere"], base: 6900,
                     .apparel(["navy", "charcoal", "oatmeal", "forest", "burgundy"]),
                     features: ["ribbed cuffs and a relaxed, easy fit", "a soft hand feel and fully fashioned shoulders"]),
                Line("Oxford Shirt", ["Classic", "Slim", "Brushed", "Organic"], base: 4900,
                     .apparel(["white", "sky", "pink", "navy"]),
                     features: ["a button-down collar and a curved hem", "a soft weave that improves with every wash"]),
                Line("Pocket T-Shirt", ["Heavyweight", "Organic Cotton", "Slub", "Pima"], base: 1900,
                     .apparel(["white", "black", "grey", "olive", "rust"]),
                     features: ["a reinforced neckline and a single chest pocket", "a boxy cut that holds its shape"]),
                Line("Henley", ["Waffle-Knit", "Linen", "Thermal"], base: 3900,
                     .apparel(["cream", "navy", "olive", "grey"]),
                     features: ["a three-button placket and long sleeves", "a breathable texture made for layering"]),
                Line("Polo Shirt", ["Jersey", "Merino", "Knitted"], base: 4500,
                     .apparel(["navy", "white", "forest", "sand"]),
                     features: ["a soft collar and a two-button placket", "a tailored fit that works tucked or untucked"]),
                Line("Hoodie", ["Fleece", "Loopback", "Recycled Cotton"], base: 5900,
                     .apparel(["grey", "black", "navy", "olive"]),
                     features: ["a lined hood and a kangaroo pocket", "ribbed cuffs and a brushed interior"]),
            ],
            closers: ["Machine washable at 30 degrees.", "True to size; size up for a looser fit.", "Made in Portugal."]
        ),
        CategorySpec(
            slug: "outerwear", name: "Outerwear", skuPrefix: "OUT",
            lines: [
                Line("Parka", ["Down", "Insulated", "Waterproof", "Arctic"], base: 24900,
                     .apparel(["black", "olive", "navy", "sand"]),
                     features: ["a detachable hood and a two-way zip", "taped seams and a storm flap"]),
                Line("Rain Jacket", ["Packable", "Lightweight", "Breathable", "Three-Layer"], base: 12900,
                     .apparel(["yellow", "navy", "olive", "black"]),
                     features: ["an adjustable hood and pit zips", "a design that packs into its own pocket"]),
                Line("Puffer Vest", ["Down", "Recycled", "Quilted"], base: 8900,
                     .apparel(["black", "navy", "rust"]),
                     features: ["a high collar and zip hand pockets", "lightweight insulation for cold mornings"]),
                Line("Overcoat", ["Wool", "Cashmere-Blend", "Tweed"], base: 27900,
                     .apparel(["charcoal", "camel", "navy"]),
                     features: ["a notch lapel and a full lining", "a tailored, knee-length silhouette"]),
                Line("Field Jacket", ["Waxed Cotton", "Canvas", "Ripstop", "Corduroy"], base: 15900,
                     .apparel(["olive", "tan", "navy"]),
                     features: ["four bellows pockets and a cord collar", "a hard-wearing shell that softens with age"]),
                Line("Fleece Jacket", ["Sherpa", "Polar", "Grid"], base: 7900,
                     .apparel(["cream", "forest", "black", "slate"]),
                     features: ["a full zip and a chin guard", "a warm pile that resists pilling"]),
            ],
            closers: ["Dry clean or wash cold on a gentle cycle.", "Cut to layer over a sweater.", "Free repairs for the first two years."]
        ),
        CategorySpec(
            slug: "footwear", name: "Footwear", skuPrefix: "FTW",
            lines: [
                Line("Sneakers", ["Canvas", "Leather", "Suede", "Knit"], base: 7900,
                     .shoes(["white", "black", "navy", "stone"]),
                     features: ["a cushioned footbed and a vulcanised rubber sole", "a minimalist upper and a grippy outsole"]),
                Line("Chelsea Boots", ["Suede", "Leather", "Waterproof"], base: 17900,
                     .shoes(["brown", "black", "tan"]),
                     features: ["elastic side panels and a pull tab", "a Goodyear-welted sole that can be resoled"]),
                Line("Hiking Boots", ["Mid-Cut", "Lightweight", "Waterproof", "Alpine"], base: 15900,
                     .shoes(["brown", "slate", "olive"]),
                     features: ["a lugged rubber outsole and a padded collar", "a waterproof membrane and deep lugged tread"]),
                Line("Trail Runners", ["Cushioned", "Lightweight", "Waterproof"], base: 12900,
                     .shoes(["slate", "blue", "black", "red"]),
                     features: ["a rock plate and aggressive lugs", "a breathable mesh upper and quick laces"]),
                Line("Loafers", ["Penny", "Suede", "Leather"], base: 13900,
                     .shoes(["brown", "black", "burgundy"]),
                     features: ["hand-sewn moccasin construction", "a leather sole and a rubber heel insert"]),
                Line("Slides", ["Cork", "Foam", "Leather"], base: 3900,
                     .shoes(["black", "sand", "brown"]),
                     features: ["a contoured footbed and an adjustable strap", "a light sole for beach days and showers"]),
            ],
            closers: ["Runs true to size.", "If between sizes, choose the larger one.", "Free exchanges on sizes within 60 days."]
        ),
        CategorySpec(
            slug: "bags", name: "Bags & Wallets", skuPrefix: "BAG",
            lines: [
                Line("Tote Bag", ["Canvas", "Leather", "Waxed Canvas", "Recycled"], base: 3900,
                     .colours(["natural", "black", "navy", "olive"]),
                     features: ["reinforced handles and an inner zip pocket", "a flat base that stands up on its own"]),
                Line("Backpack", ["Rolltop", "Commuter", "Laptop", "Canvas"], base: 8900,
                     .colours(["black", "navy", "olive", "grey"]),
                     features: ["a padded sleeve that fits a 16-inch laptop", "water-resistant fabric and a hidden back pocket"]),
                Line("Weekender Bag", ["Leather", "Canvas", "Nylon"], base: 14900,
                     .colours(["tan", "black", "olive"]),
                     features: ["a separate shoe compartment and a detachable strap", "enough room for three days away"]),
                Line("Crossbody Bag", ["Mini", "Leather", "Nylon", "Quilted"], base: 5900,
                     .colours(["black", "tan", "burgundy", "sand"]),
                     features: ["an adjustable strap and a magnetic closure", "room for a phone, keys and a wallet"]),
                Line("Duffel Bag", ["Gym", "Travel", "Waterproof"], base: 6900,
                     .options("capacity", [Option("30 L", "30L"), Option("45 L", "45L", 1000), Option("60 L", "60L", 2000)]),
                     features: ["a wide U-shaped opening and a padded shoulder strap", "a wipe-clean base and a ventilated shoe pocket"]),
                Line("Wallet", ["Slim Leather", "Bifold", "Zip-Around"], base: 3900,
                     .colours(["brown", "black", "tan"]),
                     features: ["an RFID-blocking lining and six card slots", "vegetable-tanned leather that develops a patina"]),
            ],
            closers: ["Spot clean with a damp cloth.", "Backed by a lifetime warranty on stitching."]
        ),
        CategorySpec(
            slug: "accessories", name: "Hats, Scarves & Accessories", skuPrefix: "ACC",
            lines: [
                Line("Beanie", ["Merino", "Cashmere", "Ribbed", "Fisherman"], base: 2900,
                     .colours(["charcoal", "mustard", "navy", "cream", "rust"]),
                     features: ["a deep turn-up cuff", "a snug rib knit that keeps its shape"]),
                Line("Scarf", ["Lambswool", "Cashmere", "Plaid", "Oversized"], base: 4900,
                     .colours(["camel", "grey", "burgundy", "navy"]),
                     features: ["softly fringed ends", "a generous length for wrapping twice"]),
                Line("Belt", ["Leather", "Braided", "Canvas", "Suede"], base: 3900,
                     .options("size", [Option("S", "S"), Option("M", "M"), Option("L", "L")]),
                     features: ["a solid brass buckle", "a 35 mm width that suits jeans and chinos"]),
                Line("Gloves", ["Leather", "Touchscreen", "Wool", "Fleece-Lined"], base: 3400,
                     .apparel(["black", "brown", "grey"]),
                     features: ["a warm lining and stretch cuffs", "fingertips that work with touchscreens"]),
                Line("Baseball Cap", ["Canvas", "Corduroy", "Wool", "Organic Cotton"], base: 2500,
                     .colours(["navy", "stone", "forest", "black"]),
                     features: ["an adjustable strap and a curved brim", "a low, unstructured crown"]),
                Line("Sunglasses", ["Aviator", "Round", "Polarised"], base: 8900,
                     .colours(["black", "tortoise", "gold"]),
                     features: ["scratch-resistant lenses with full UV400 protection", "spring hinges and a protective case"]),
            ],
            closers: ["Arrives in a recycled gift box.", "Made in small batches in Italy."]
        ),
        CategorySpec(
            slug: "kitchen", name: "Kitchen & Cookware", skuPrefix: "KIT",
            lines: [
                Line("Skillet", ["Cast Iron", "Carbon Steel", "Stainless Steel", "Nonstick"], base: 3900,
                     .options("size", [Option("20 cm", "20CM"), Option("26 cm", "26CM", 1000), Option("30 cm", "30CM", 2000)]),
                     features: ["a thick base that heats evenly and holds it", "a long, oven-safe handle and pouring lips"]),
                Line("Chef's Knife", ["Damascus", "German Steel", "Japanese", "Ceramic"], base: 7900, .single,
                     features: ["a full tang and a balanced, ergonomic handle", "a razor-sharp edge honed to 15 degrees"]),
                Line("Dutch Oven", ["Enamelled", "Cast Iron", "Ceramic"], base: 12900,
                     .options("capacity", [Option("3.5 L", "3L5"), Option("5.5 L", "5L5", 3000)]),
                     features: ["a tight-fitting lid that locks in moisture", "even heat for slow braises and crusty bread"]),
                Line("Cutting Board", ["Walnut", "Maple", "Bamboo", "Olive Wood"], base: 2900,
                     .options("size", [Option("Small", "SM"), Option("Medium", "MD", 1000), Option("Large", "LG", 2000)]),
                     features: ["a juice groove and non-slip feet", "end-grain construction that is kind to knives"]),
                Line("Saucepan", ["Copper", "Stainless Steel", "Tri-Ply"], base: 5900, .single,
                     features: ["a glass lid and a stay-cool handle", "a base that works on gas, electric and induction"]),
                Line("Kettle", ["Gooseneck", "Stovetop", "Electric"], base: 4900,
                     .colours(["black", "silver", "cream", "teal"]),
                     features: ["a precise spout for pour-over coffee", "a 1.2 litre capacity and a heat-proof handle"]),
                Line(special: "Crème Brûlée Torch", base: 2900, .single,
                     description: "Caramelise the perfect crème brûlée in seconds with an adjustable, refillable butane flame."),
            ],
            closers: ["Hand wash to keep it at its best.", "Covered by a 25-year guarantee.", "Tested daily in our own test kitchen."]
        ),
        CategorySpec(
            slug: "tableware", name: "Tableware & Dining", skuPrefix: "DIN",
            lines: [
                Line("Mug", ["Stoneware", "Enamel", "Porcelain", "Speckled"], base: 1600,
                     .colours(["white", "sand", "slate", "sky"]),
                     features: ["a generous 350 ml capacity and a comfortable handle", "a glaze that is dishwasher and microwave safe"]),
                Line("Dinner Plate Set", ["Stoneware", "Porcelain", "Reactive Glaze", "Matte"], base: 4900,
                     .colours(["white", "sand", "slate"]),
                     features: ["four generous 27 cm plates", "a chip-resistant glaze and a gently raised rim"]),
                Line("Wine Glasses", ["Crystal", "Stemless", "Hand-Blown"], base: 3400,
                     .options("pack", [Option("Set of 2", "2PK"), Option("Set of 4", "4PK", 2000)]),
                     features: ["a thin rim and a wide bowl that lets reds breathe", "lead-free glass that is dishwasher safe"]),
                Line("Serving Bowl", ["Acacia", "Ceramic", "Glass", "Marble"], base: 3400, .single,
                     features: ["room for a salad that feeds six", "a wide, shallow shape for sharing"]),
                Line("Cutlery Set", ["Brushed Steel", "Matte Black", "Gold-Finish"], base: 6900,
                     .options("pack", [Option("16-piece", "16PC"), Option("24-piece", "24PC", 2500)]),
                     features: ["weighty 18/10 stainless steel pieces", "a satin finish that hides fingerprints"]),
                Line("Teapot", ["Cast Iron", "Glass", "Ceramic"], base: 3900,
                     .colours(["black", "white", "teal"]),
                     features: ["a removable infuser for loose-leaf tea", "a drip-free spout and a 1 litre capacity"]),
                Line(special: "Café Espresso Cups", base: 2900, .single,
                     description: "A set of four 90 ml espresso cups with saucers, made for your morning café ritual."),
            ],
            closers: ["Each piece is finished by hand, so no two are identical.", "Ships in protective, plastic-free packaging."]
        ),
        CategorySpec(
            slug: "home-decor", name: "Home Decor", skuPrefix: "HOM",
            lines: [
                Line("Throw Pillow", ["Linen", "Velvet", "Woven", "Embroidered"], base: 3400,
                     .colours(["rust", "sage", "cream", "navy", "mustard"]),
                     features: ["a feather insert and a hidden zip", "a 50 x 50 cm cover that is easy to wash"]),
                Line("Table Lamp", ["Ceramic", "Brass", "Rattan", "Concrete"], base: 8900, .single,
                     features: ["a linen shade and a dimmable bulb", "warm, diffused light for reading corners"]),
                Line("Wall Mirror", ["Round", "Arched", "Rattan"], base: 7900,
                     .options("size", [Option("50 cm", "50CM"), Option("70 cm", "70CM", 3000)]),
                     features: ["a slim metal frame and a hanging cleat", "bevelled glass that brightens small rooms"]),
                Line("Vase", ["Stoneware", "Glass", "Terracotta", "Ribbed Glass"], base: 2900, .single,
                     features: ["a narrow neck for single stems", "a watertight glaze for fresh flowers"]),
                Line("Scented Candle", ["Cedarwood", "Fig", "Sea Salt", "Amber"], base: 2400,
                     .options("size", sizeSmallLarge),
                     features: ["a soy wax blend and a cotton wick", "up to 50 hours of clean, even burn"]),
                Line("Throw Blanket", ["Wool", "Waffle", "Chunky Knit"], base: 6900,
                     .colours(["oatmeal", "grey", "rust", "sage"]),
                     features: ["a generous 130 x 170 cm size", "a soft texture for sofa evenings"]),
            ],
            closers: ["Designed in our Copenhagen studio.", "Ships ready to gift."]
        ),
        CategorySpec(
            slug: "bed-bath", name: "Bed & Bath", skuPrefix: "BED",
            lines: [
                Line("Duvet Cover", ["Linen", "Percale", "Sateen", "Flannel"], base: 8900,
                     .options("size", bedSizes),
                     features: ["a button closure and inner corner ties", "a breathable weave that sleeps cool"]),
                Line("Bath Towel", ["Organic Cotton", "Turkish Cotton", "Waffle", "Quick-Dry"], base: 2900,
                     .colours(["white", "sage", "sand", "slate"]),
                     features: ["a dense 600 gsm pile", "a hanging loop and a quick-drying weave"]),
                Line("Pillow", ["Down", "Memory Foam", "Buckwheat"], base: 4900, .single,
                     features: ["a removable, washable cotton cover", "medium-firm support for side and back sleepers"]),
                Line("Bathrobe", ["Waffle", "Terry", "Linen"], base: 7900,
                     .apparel(["white", "grey", "navy"]),
                     features: ["deep patch pockets and a shawl collar", "a lightweight weave that dries quickly"]),
                Line("Fitted Sheet", ["Percale", "Jersey", "Bamboo"], base: 4900,
                     .options("size", bedSizes),
                     features: ["deep pockets that fit mattresses up to 35 cm", "elastic all round for a smooth fit"]),
                Line("Bath Mat", ["Cotton", "Teak", "Diatomite"], base: 2900, .single,
                     features: ["a non-slip base", "a surface that absorbs water in seconds"]),
                Line(special: "Über-Soft Bath Towel", base: 3900,
                     .colours(["white", "sand", "sage"]),
                     description: "Our thickest towel yet, woven from long-staple cotton for an über-soft, spa-like feel."),
            ],
            closers: ["Made in Portugal.", "Free returns within 100 nights."]
        ),
        CategorySpec(
            slug: "outdoor", name: "Outdoor & Camping", skuPrefix: "ODR",
            lines: [
                Line("Tent", ["Two-Person", "Four-Season", "Ultralight", "Family"], base: 19900, .single,
                     features: ["a freestanding frame and two vestibules", "colour-coded poles for a quick pitch"]),
                Line("Sleeping Bag", ["Down", "Synthetic", "Three-Season"], base: 12900,
                     .options("size", [Option("Regular", "REG"), Option("Long", "LNG", 2000)]),
                     features: ["a draught collar and a two-way zip", "a compression sack for tight packing"]),
                Line("Camping Chair", ["Folding", "Ultralight", "Reclining"], base: 5900,
                     .colours(["olive", "black", "rust"]),
                     features: ["a cup holder and a carry bag", "a steel frame rated to 120 kg"]),
                Line("Water Bottle", ["Insulated", "Stainless Steel", "Collapsible", "Titanium"], base: 2400,
                     .options("capacity", [Option("500 ml", "500ML"), Option("750 ml", "750ML", 300), Option("1 L", "1L", 600)]),
                     features: ["a leak-proof lid and a carry loop", "double walls that keep drinks cold for 24 hours"]),
                Line("Headlamp", ["Rechargeable", "Waterproof", "Ultralight"], base: 3900, .single,
                     features: ["a 400-lumen beam and a red night mode", "a USB-C port and a tilting head"]),
                Line("Hammock", ["Parachute Nylon", "Cotton Rope", "Camping"], base: 4900,
                     .colours(["olive", "sky", "rust"]),
                     features: ["tree straps and steel carabiners included", "a stuff sack that doubles as a pillow"]),
            ],
            closers: ["Tested in the Scottish Highlands.", "Comes with a two-year warranty."]
        ),
        CategorySpec(
            slug: "electronics-accessories", name: "Electronics Accessories", skuPrefix: "ELE",
            lines: [
                Line("Charging Cable", ["USB-C", "Braided", "Right-Angle", "Magnetic"], base: 1500,
                     .options("length", [Option("1 m", "1M"), Option("2 m", "2M", 300)]),
                     features: ["reinforced connectors rated for 10,000 bends", "support for fast charging up to 60 W"]),
                Line("Power Bank", ["Slim", "Magnetic", "High-Capacity"], base: 3900,
                     .options("capacity", [Option("10000 mAh", "10K"), Option("20000 mAh", "20K", 2000)]),
                     features: ["a USB-C port and pass-through charging", "a charge level display"]),
                Line("Wireless Charger", ["Fast", "Three-in-One", "Foldable"], base: 4900, .single,
                     features: ["15 W charging and a non-slip pad", "a travel-friendly design that folds flat"]),
                Line("Headphones", ["Over-Ear", "Noise-Cancelling", "Studio"], base: 17900,
                     .colours(["black", "silver", "navy"]),
                     features: ["40 hours of battery life and memory foam cushions", "adaptive noise cancelling and a foldable frame"]),
                Line("Phone Case", ["Leather", "Clear", "Rugged", "Silicone"], base: 2900,
                     .colours(["black", "tan", "navy", "clear"]),
                     features: ["raised edges that protect the camera", "a soft microfibre lining"]),
                Line("Laptop Sleeve", ["Felt", "Neoprene", "Leather"], base: 3900,
                     .options("size", [Option("13-inch", "13IN"), Option("15-inch", "15IN", 500)]),
                     features: ["a front pocket for a charger", "a snug fit and a soft lining"]),
                Line("Bluetooth Speaker", ["Portable", "Waterproof"], base: 7900,
                     .colours(["black", "teal", "red"]),
                     features: ["360-degree sound and 12 hours of playtime", "an IP67 rating and a carry strap"]),
            ],
            closers: ["Includes a two-year warranty.", "Ships in plastic-free packaging."]
        ),
        CategorySpec(
            slug: "books-stationery", name: "Books & Stationery", skuPrefix: "STA",
            lines: [
                Line("Notebook", ["Dotted", "Lined", "Grid", "Plain"], base: 1400,
                     .options("size", [Option("A5", "A5"), Option("A4", "A4", 400)]),
                     features: ["100 gsm paper that resists ink bleed", "a lay-flat binding and numbered pages"]),
                Line("Fountain Pen", ["Brass", "Resin", "Aluminium"], base: 4900,
                     .options("nib", [Option("Fine", "F"), Option("Medium", "M")]),
                     features: ["a steel nib and a converter for bottled ink", "a weighted barrel that glides across the page"]),
                Line("Pencil Set", ["Graphite", "Watercolour", "Coloured"], base: 600, .single,
                     features: ["twelve pencils in a tin case", "soft leads that blend easily"]),
                Line("Planner", ["Weekly", "Daily", "Undated"], base: 2400,
                     .colours(["black", "forest", "burgundy"]),
                     features: ["monthly overviews and habit trackers", "a linen cover and two ribbon markers"]),
                Line("Sketchbook", ["Watercolour", "Kraft Paper", "Mixed Media"], base: 1900, .single,
                     features: ["heavyweight paper that takes wet media", "a stitched spine that lies flat"]),
                Line("Cookbook", ["Weeknight Dinners", "Sourdough Baking", "Plant-Based Kitchen"], base: 2900, .single,
                     features: ["over 100 tested recipes and full-page photography", "step-by-step techniques for home cooks"]),
                Line("Desk Organiser", ["Oak", "Felt", "Metal"], base: 2900, .single,
                     features: ["compartments for pens, cards and a phone", "a compact footprint for small desks"]),
                Line(special: "Smörgåsbord: A Nordic Cookbook", base: 3400, .single,
                     description: "Over 120 recipes from Sweden, Norway and Denmark, from smørrebrød to cardamom buns."),
            ],
            closers: ["Makes a thoughtful gift.", "Ships in recycled packaging."]
        ),
        CategorySpec(
            slug: "toys-games", name: "Toys & Games", skuPrefix: "TOY",
            lines: [
                Line("Building Blocks", ["Wooden", "Magnetic", "Rainbow"], base: 2900,
                     .options("pack", [Option("50-piece", "50PC"), Option("100-piece", "100PC", 1500)]),
                     features: ["smooth, non-toxic finishes for small hands", "a storage bag for quick tidying"]),
                Line("Jigsaw Puzzle", ["Landscape", "World Map", "Botanical", "Vintage Poster"], base: 1900,
                     .options("pieces", [Option("500 pieces", "500"), Option("1000 pieces", "1000", 500)]),
                     features: ["thick, snug-fitting pieces and a poster guide", "a matte finish that reduces glare"]),
                Line("Plush", ["Bear", "Bunny", "Fox", "Whale"], base: 1900,
                     .options("size", sizeSmallLarge),
                     features: ["embroidered eyes that are safe from birth", "an extra-soft fur that survives the washing machine"]),
                Line("Board Game", ["Strategy", "Family", "Cooperative"], base: 3400, .single,
                     features: ["quick rules and games of about 45 minutes", "room for two to six players"]),
                Line("Wooden Train Set", ["Starter", "Deluxe"], base: 4900, .single,
                     features: ["a figure-eight track and three carriages", "pieces that connect with the major brands"]),
                Line("Kite", ["Delta", "Diamond", "Stunt"], base: 2400,
                     .colours(["red", "yellow", "blue"]),
                     features: ["a ripstop sail and a fibreglass frame", "30 metres of line on a winder"]),
            ],
            closers: ["Meets EN 71 toy safety standards.", "Packaged in recycled cardboard."]
        ),
    ]

    /// Colour name (attribute value) to the three-letter code used in SKUs.
    private static let colourCodes: [String: String] = [
        "black": "BLK", "blue": "BLU", "brown": "BRN", "burgundy": "BRG", "camel": "CML",
        "charcoal": "CHR", "clear": "CLR", "cream": "CRM", "forest": "FOR", "gold": "GLD",
        "grey": "GRY", "mustard": "MUS", "natural": "NAT", "navy": "NVY", "oatmeal": "OAT",
        "olive": "OLV", "pink": "PNK", "red": "RED", "rust": "RST", "sage": "SAG",
        "sand": "SND", "silver": "SLV", "sky": "SKY", "slate": "SLT", "stone": "STN",
        "tan": "TAN", "teal": "TEA", "tortoise": "TRT", "white": "WHT", "yellow": "YLW",
    ]
}

// MARK: - Generator

extension DemoCatalog {
    private static func buildProducts(for spec: CategorySpec) -> [DemoProduct] {
        var products: [DemoProduct] = []
        var number = 0
        for line in spec.lines {
            for (modifierIndex, modifier) in line.modifiers.enumerated() {
                number += 1
                let name = modifier.isEmpty ? line.noun : "\(modifier) \(line.noun)"
                let hash = fnv1a("\(spec.slug)/\(name)")
                let description = line.fixedDescription
                    ?? describe(name: name, line: line, closers: spec.closers, hash: hash)
                // Later modifiers in a line are the more premium ones: +10 % each, plus 0–14 % jitter.
                let percent = 100 + modifierIndex * 10 + Int((hash >> 16) % 15)
                let price = charmPrice(line.basePrice * percent / 100)
                let skuStem = "\(spec.skuPrefix)-\(zeroPadded(number, width: 4))"
                products.append(DemoProduct(
                    categorySlug: spec.slug,
                    name: name,
                    description: description,
                    imageUrl: imageBaseUrl + slugify(name) + ".jpg",
                    variants: variants(for: line.plan, skuStem: skuStem, price: price, hash: hash)
                ))
            }
        }
        return products
    }

    private static func variants(for plan: Plan, skuStem: String, price: Int, hash: UInt64) -> [DemoVariant] {
        switch plan {
        case .single:
            return [DemoVariant(sku: "\(skuStem)-STD", name: "Default", priceAmount: price, attributes: [:])]

        case .options(let key, let options):
            return options.map { option in
                DemoVariant(
                    sku: "\(skuStem)-\(option.code)", name: option.label,
                    priceAmount: price + option.priceDelta, attributes: [key: option.label]
                )
            }

        case .colours(let palette):
            let count = 1 + Int((hash >> 4) % UInt64(min(4, palette.count)))
            return pick(count, from: palette, hash: hash).map { colour in
                DemoVariant(
                    sku: "\(skuStem)-\(colourCode(colour))", name: capitalized(colour),
                    priceAmount: price, attributes: ["colour": colour]
                )
            }

        case .apparel(let palette):
            let (colourCount, sizes): (Int, [String]) = switch hash % 3 {
            case 0: (1, ["S", "M", "L", "XL"])
            case 1: (2, ["S", "M", "L"])
            default: (3, ["M", "L"])
            }
            return sized(pick(colourCount, from: palette, hash: hash), sizes, skuStem: skuStem) { size in
                size == "XL" ? price + 200 : price
            }

        case .shoes(let palette):
            let (colourCount, sizes): (Int, [String]) = switch hash % 3 {
            case 0: (1, ["40", "41", "42", "43", "44", "45"])
            case 1: (1, ["41", "42", "43", "44", "45"])
            default: (2, ["42", "43", "44"])
            }
            return sized(pick(colourCount, from: palette, hash: hash), sizes, skuStem: skuStem) { _ in price }
        }
    }

    /// Colour-major combinations of colours and sizes, named like "M / Navy".
    private static func sized(
        _ colours: [String], _ sizes: [String], skuStem: String, price: (String) -> Int
    ) -> [DemoVariant] {
        colours.flatMap { colour in
            sizes.map { size in
                DemoVariant(
                    sku: "\(skuStem)-\(size)-\(colourCode(colour))",
                    name: "\(size) / \(capitalized(colour))",
                    priceAmount: price(size),
                    attributes: ["size": size, "colour": colour]
                )
            }
        }
    }

    private static func describe(name: String, line: Line, closers: [String], hash: UInt64) -> String {
        let feature = line.features[Int((hash >> 24) % UInt64(line.features.count))]
        let noun = lowercasedNoun(line.noun)
        // "Sneakers", "Wine Glasses": plural nouns need "these … have" and "come".
        let plural = line.noun.hasSuffix("s") && !line.noun.hasSuffix("ss")
        let first = switch (hash >> 32) % 5 {
        case 0: "\(name) with \(feature)."
        case 1: "Designed for everyday use, \(plural ? "these" : "this") \(noun) \(plural ? "have" : "has") \(feature)."
        case 2: "The \(noun) we reach for most, with \(feature)."
        case 3: "Thoughtfully made, with \(feature)."
        default: "Our \(name) \(plural ? "come" : "comes") with \(feature)."
        }
        // One slot past the end means "no closing sentence".
        let closerIndex = Int((hash >> 40) % UInt64(closers.count + 1))
        return closerIndex < closers.count ? "\(first) \(closers[closerIndex])" : first
    }

    // MARK: Helpers

    /// 64-bit FNV-1a: a stable hash (unlike `Hasher`, which is seeded per process).
    private static func fnv1a(_ string: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// `count` consecutive colours from the palette, starting at a hash-chosen index.
    private static func pick(_ count: Int, from palette: [String], hash: UInt64) -> [String] {
        let start = Int((hash >> 8) % UInt64(palette.count))
        return (0..<min(count, palette.count)).map { palette[(start + $0) % palette.count] }
    }

    /// Rounds to the nearest whole unit and ends it in .99 (e.g. 7312 -> 7299), never below 4.99.
    private static func charmPrice(_ amount: Int) -> Int {
        max(499, (amount + 50) / 100 * 100 - 1)
    }

    private static func colourCode(_ colour: String) -> String {
        guard let code = colourCodes[colour] else {
            preconditionFailure("DemoCatalog: no SKU code for colour \(colour)")
        }
        return code
    }

    private static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func capitalized(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }

    /// Words that stay capitalised inside a sentence.
    private static let properWords: Set<Substring> = ["Bluetooth", "Chelsea"]

    /// Lowercases each word of a noun, keeping acronyms ("USB-C") and proper words intact.
    private static func lowercasedNoun(_ noun: String) -> String {
        noun.split(separator: " ").map { word in
            word.contains(where: \.isLowercase) && !properWords.contains(word) ? word.lowercased() : String(word)
        }.joined(separator: " ")
    }

    /// Accented letters that appear in demo names, folded to ASCII for slugs.
    private static let asciiFolding: [Character: String] = [
        "à": "a", "á": "a", "â": "a", "ä": "a", "å": "a", "æ": "ae", "ç": "c",
        "è": "e", "é": "e", "ê": "e", "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i",
        "ñ": "n", "ò": "o", "ó": "o", "ô": "o", "ö": "o", "ø": "o",
        "ù": "u", "ú": "u", "û": "u", "ü": "u", "ß": "ss",
    ]

    /// Kebab-case ASCII form of a name: "Crème Brûlée Torch" -> "creme-brulee-torch",
    /// "Chef's Knife" -> "chefs-knife".
    private static func slugify(_ name: String) -> String {
        var slug = ""
        var pendingDash = false
        for character in name.lowercased() {
            let folded = asciiFolding[character] ?? String(character)
            if folded.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                if pendingDash && !slug.isEmpty { slug += "-" }
                pendingDash = false
                slug += folded
            } else if character != "'" {
                pendingDash = true
            }
        }
        return slug
    }
}
