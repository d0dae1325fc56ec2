"""Fixed reference tables: categories, geography, payment methods, seasonality.

Every name a pipeline re-cases with PostgreSQL initcap() is written here already in that
canonical form; `tests/test_generator.py` checks it.
"""

import re

HEADERS = {
    "customers.csv": "customer_id,first_name,last_name,email,phone,registration_date,city,state,country,age_group",
    "products.csv": "product_id,product_name,category,sub_category,price,cost,brand,stock_quantity,supplier_id",
    "transactions.csv": "transaction_id,customer_id,transaction_date,transaction_time,"
    "payment_method,shipping_address,total_amount",
    "transaction_items.csv": "item_id,transaction_id,product_id,quantity,unit_price,discount_percentage,line_total",
}
FILES = tuple(HEADERS)

# category: (share of products, price band low/high in dollars, median price, log sigma,
#            gross margin, {sub_category: (noun used in product names, brands)})
CATEGORIES: dict[str, tuple] = {
    "Electronics": (
        0.20,
        (25.0, 3000.0),
        260.0,
        0.85,
        0.22,
        {
            "Laptops": ("Laptop", ("Dell", "HP", "Lenovo", "Apple", "Asus", "Acer")),
            "Smartphones": ("Smartphone", ("Apple", "Samsung", "Google", "Motorola", "OnePlus")),
            "Televisions": ("Television", ("Samsung", "LG", "Sony", "TCL", "Hisense")),
            "Headphones": ("Headphones", ("Sony", "Bose", "Sennheiser", "JBL", "Apple")),
            "Cameras": ("Camera", ("Canon", "Nikon", "Sony", "Fujifilm")),
            "Tablets": ("Tablet", ("Apple", "Samsung", "Lenovo", "Amazon")),
        },
    ),
    "Clothing": (
        0.18,
        (8.0, 250.0),
        38.0,
        0.55,
        0.50,
        {
            "Shirts": ("Shirt", ("Uniqlo", "Gap", "Ralph Lauren", "H&M")),
            "Jeans": ("Jeans", ("Levi's", "Wrangler", "Diesel", "Gap")),
            "Dresses": ("Dress", ("Zara", "H&M", "Mango", "Calvin Klein")),
            "Jackets": ("Jacket", ("The North Face", "Patagonia", "Columbia", "Zara")),
            "Shoes": ("Shoes", ("Nike", "Adidas", "Puma", "New Balance", "Skechers")),
        },
    ),
    "Home & Kitchen": (
        0.15,
        (10.0, 900.0),
        55.0,
        0.70,
        0.40,
        {
            "Cookware": ("Pan Set", ("Le Creuset", "Tefal", "Calphalon", "Lodge")),
            "Small Appliances": ("Blender", ("KitchenAid", "Cuisinart", "Ninja", "Instant Pot")),
            "Furniture": ("Chair", ("IKEA", "Ashley", "Wayfair Basics")),
            "Bedding": ("Duvet", ("Brooklinen", "Casper", "IKEA")),
            "Vacuums": ("Vacuum", ("Dyson", "Shark", "iRobot", "Bissell")),
        },
    ),
    "Sports & Outdoors": (
        0.12,
        (10.0, 1200.0),
        50.0,
        0.75,
        0.38,
        {
            "Fitness": ("Dumbbell Set", ("Bowflex", "Nike", "Reebok")),
            "Camping": ("Tent", ("Coleman", "Yeti", "Marmot")),
            "Cycling": ("Bike", ("Trek", "Specialized", "Giant")),
            "Team Sports": ("Ball", ("Wilson", "Spalding", "Adidas")),
            "Wearables": ("Sports Watch", ("Garmin", "Polar", "Suunto")),
        },
    ),
    "Beauty & Personal Care": (
        0.10,
        (4.0, 150.0),
        20.0,
        0.55,
        0.55,
        {
            "Skincare": ("Moisturiser", ("Olay", "Neutrogena", "CeraVe")),
            "Makeup": ("Lipstick", ("Maybelline", "L'Oreal", "MAC")),
            "Hair Care": ("Shampoo", ("Pantene", "Dove", "Garnier")),
            "Fragrance": ("Eau De Parfum", ("Chanel", "Dior", "Calvin Klein")),
        },
    ),
    "Books": (
        0.10,
        (5.0, 80.0),
        17.0,
        0.40,
        0.30,
        {
            "Fiction": ("Novel", ("Penguin", "HarperCollins", "Vintage")),
            "Non-Fiction": ("Biography", ("Penguin", "Simon & Schuster", "Macmillan")),
            "Children": ("Picture Book", ("Scholastic", "Usborne", "Puffin")),
            "Cookbooks": ("Cookbook", ("Phaidon", "Ten Speed Press", "DK")),
        },
    ),
    "Toys & Games": (
        0.08,
        (6.0, 300.0),
        28.0,
        0.60,
        0.42,
        {
            "Board Games": ("Board Game", ("Hasbro", "Ravensburger", "Asmodee")),
            "Building Sets": ("Building Set", ("LEGO", "Mega Bloks", "K'NEX")),
            "Dolls": ("Doll", ("Mattel", "American Girl", "Barbie")),
            "Puzzles": ("Puzzle", ("Ravensburger", "Buffalo Games", "Clementoni")),
        },
    ),
    "Grocery": (
        0.07,
        (2.0, 60.0),
        9.0,
        0.50,
        0.25,
        {
            "Coffee": ("Coffee Beans", ("Starbucks", "Lavazza", "Nespresso")),
            "Snacks": ("Snack Box", ("Kellogg's", "PepsiCo", "Mondelez")),
            "Beverages": ("Sparkling Water", ("Coca-Cola", "San Pellegrino", "LaCroix")),
            "Pantry": ("Olive Oil", ("Barilla", "Kraft Heinz", "Bertolli")),
        },
    ),
}

CATEGORY_NAMES = list(CATEGORIES)
SUB_NAMES = [s for c in CATEGORIES.values() for s in c[5]]
SUB_CATEGORY = [i for i, c in enumerate(CATEGORIES.values()) for _ in c[5]]
SUB_NOUN = [n for c in CATEGORIES.values() for n, _ in c[5].values()]
BRAND_NAMES = sorted({b for c in CATEGORIES.values() for _, bs in c[5].values() for b in bs})
SUB_BRANDS = [[BRAND_NAMES.index(b) for b in bs] for c in CATEGORIES.values() for _, bs in c[5].values()]
MODEL_WORDS = [
    "Pro",
    "Air",
    "Max",
    "Lite",
    "Plus",
    "Ultra",
    "Mini",
    "Classic",
    "Sport",
    "Eco",
    "Prime",
    "Elite",
    "Essential",
    "Signature",
    "Select",
]
MODEL_LETTERS = list("ABCDEFGHJKLMNPRSTVXZ")
SUPPLIERS = 60

# (city, state, country, weight)
GEOGRAPHY: list[tuple[str, str, str, float]] = [
    ("New York", "New York", "United States", 8.0),
    ("Los Angeles", "California", "United States", 6.0),
    ("San Francisco", "California", "United States", 3.0),
    ("San Diego", "California", "United States", 2.5),
    ("Chicago", "Illinois", "United States", 5.0),
    ("Houston", "Texas", "United States", 4.0),
    ("Dallas", "Texas", "United States", 3.5),
    ("Austin", "Texas", "United States", 2.5),
    ("Phoenix", "Arizona", "United States", 3.0),
    ("Philadelphia", "Pennsylvania", "United States", 3.0),
    ("Seattle", "Washington", "United States", 3.0),
    ("Boston", "Massachusetts", "United States", 2.5),
    ("Miami", "Florida", "United States", 3.0),
    ("Orlando", "Florida", "United States", 1.5),
    ("Denver", "Colorado", "United States", 2.0),
    ("Atlanta", "Georgia", "United States", 2.5),
    ("Portland", "Oregon", "United States", 1.5),
    ("St. Louis", "Missouri", "United States", 1.2),
    ("Toronto", "Ontario", "Canada", 3.0),
    ("Ottawa", "Ontario", "Canada", 1.0),
    ("Vancouver", "British Columbia", "Canada", 2.0),
    ("Montreal", "Quebec", "Canada", 2.0),
    ("Calgary", "Alberta", "Canada", 1.2),
    ("London", "England", "United Kingdom", 5.0),
    ("Manchester", "England", "United Kingdom", 1.5),
    ("Birmingham", "England", "United Kingdom", 1.2),
    ("Edinburgh", "Scotland", "United Kingdom", 1.0),
    ("Glasgow", "Scotland", "United Kingdom", 0.8),
    ("Cardiff", "Wales", "United Kingdom", 0.6),
    ("Berlin", "Berlin", "Germany", 2.0),
    ("Munich", "Bavaria", "Germany", 1.5),
    ("Hamburg", "Hamburg", "Germany", 1.2),
    ("Paris", "Ile-De-France", "France", 2.0),
    ("Lyon", "Auvergne-Rhone-Alpes", "France", 0.8),
    ("Sydney", "New South Wales", "Australia", 2.0),
    ("Melbourne", "Victoria", "Australia", 1.8),
    ("Brisbane", "Queensland", "Australia", 1.0),
    ("Perth", "Western Australia", "Australia", 0.8),
]

PAYMENT_METHODS = ["Credit Card", "Debit Card", "PayPal", "Apple Pay", "Bank Transfer", "Cash on Delivery"]
PAYMENT_WEIGHTS = [0.38, 0.22, 0.18, 0.10, 0.07, 0.05]
AGE_GROUPS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
AGE_WEIGHTS = [0.14, 0.27, 0.23, 0.17, 0.11, 0.08]
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "proton.me", "example.com"]
EMAIL_DOMAIN_WEIGHTS = [0.40, 0.15, 0.13, 0.10, 0.10, 0.04, 0.03, 0.05]

ITEMS_PER_TRANSACTION = [0.32, 0.29, 0.18, 0.09, 0.05, 0.035, 0.02, 0.015]  # 1..8, mean 2.5
QUANTITY_WEIGHTS = [0.55, 0.22, 0.11, 0.05, 0.03, 0.015, 0.01, 0.007, 0.005, 0.003]  # 1..10
DISCOUNTS = [0, 5, 10, 15, 20, 25]
DISCOUNT_WEIGHTS = [0.70, 0.08, 0.10, 0.05, 0.05, 0.02]
WEEKDAY_FACTOR = [1.0, 0.97, 1.0, 1.02, 1.08, 1.42, 1.38]  # Monday .. Sunday
MONTH_FACTOR = [0.85, 0.80, 0.90, 0.95, 1.00, 0.95, 0.95, 1.00, 0.95, 1.05, 1.35, 1.60]
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 11, 9, 6, 4]


def initcap(text: str) -> str:
    """Python twin of PostgreSQL initcap() for ASCII text."""
    return re.sub(r"[A-Za-z0-9]+", lambda m: m[0][0].upper() + m[0][1:].lower(), text)
