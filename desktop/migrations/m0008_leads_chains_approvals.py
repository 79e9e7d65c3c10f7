"""Version 8: investors' contacts and merges, 乡贤, forums, leads, industry chains, 帮办代办 checklists."""

VERSION = 8


def apply(db):
    from desktop.models.approvals import APPROVAL_MODELS
    from desktop.models.chains import CHAIN_MODELS
    from desktop.models.leads import LEAD_MODELS

    db.create_tables(LEAD_MODELS + CHAIN_MODELS + APPROVAL_MODELS, safe=True)
    # Editable starting lists: the approval catalogue and the four default chains (only when empty).
    from desktop.services.approvals import seed_catalog
    from desktop.services.chains import seed_chains

    seed_catalog()
    seed_chains()
