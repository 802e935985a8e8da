from piccolo.columns import JSON, Boolean, ForeignKey, Integer, LazyTableReference, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Service(Table):
    """One entry of the public service catalog, in both scripts.

    The Traditional columns start as an OpenCC conversion of the Simplified ones
    and are stored, so staff can correct them.
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: Stable, unique, never reused (e.g. AST-001); cases refer to it.
    code = Varchar(length=16, unique=True, index=True)
    category = Varchar(length=32, index=True)
    name_hans = Varchar(length=200)
    name_hant = Varchar(length=200)
    description_hans = Text()
    description_hant = Text()
    policy_basis_hans = Text(default="")
    policy_basis_hant = Text(default="")
    implementing_body_hans = Varchar(length=200, default="")
    implementing_body_hant = Varchar(length=200, default="")
    #: JSON lists of strings.
    target_groups_hans = JSON(default="[]")
    target_groups_hant = JSON(default="[]")
    materials_hans = JSON(default="[]")
    materials_hant = JSON(default="[]")
    #: 限时办结: working days from acceptance.
    time_limit_days = Integer()
    #: 加急: its cases are urgent, limited to this many calendar hours from acceptance.
    urgent_hours = Integer(null=True, default=None)
    online = Boolean(default=False)
    door_to_door = Boolean(default=False)
    proxy = Boolean(default=False)
    fee_hans = Varchar(length=200, default="免费")
    fee_hant = Varchar(length=200, default="免費")
    active = Boolean(default=True, index=True)
    township = ForeignKey(
        LazyTableReference("Region", module_path="backend.regions.tables"),
        null=True,
        help_text="The township that offers it; null for county-wide entries.",
    )
    #: The county (6-digit region code) whose catalog it is: a county-wide entry is that
    #: county's, a township's entry its township's county's. Its admin manages it; no other.
    county = Varchar(length=6, default="", index=True)
    #: Name in one normalized form (Simplified, case-folded) for cross-script search.
    search_name = Text(default="")
    #: Description, materials, target groups and body, normalized the same way.
    search_text = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
