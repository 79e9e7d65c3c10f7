"""peewee models, one module per aggregate. No Qt here."""

from desktop.models.base import BaseModel, WanYuanField
from desktop.models.company import Company
from desktop.models.import_record import ImportRecord
from desktop.models.project import LifecycleStep, Project, StatusChange, StepRecord
from desktop.models.reference import Person, Setting, Unit

# In creation order (foreign keys point backwards).
ALL_MODELS = [Setting, Unit, Person, Company, Project, LifecycleStep, StepRecord, StatusChange, ImportRecord]

__all__ = [
    "ALL_MODELS",
    "BaseModel",
    "Company",
    "ImportRecord",
    "LifecycleStep",
    "Person",
    "Project",
    "Setting",
    "StatusChange",
    "StepRecord",
    "Unit",
    "WanYuanField",
]
