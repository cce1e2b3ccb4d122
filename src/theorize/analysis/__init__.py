"""Statistics on coded data: pure functions on arrays and DataFrames.

Agreement between coders (kappa family, Krippendorff's alpha, unitizing alpha for coded spans) and,
from other modules, saturation, co-occurrence and matrices.
"""

from .agreement import (
    CohenKappa,
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_max,
    cohen_kappa_summary,
    contingency_table,
    gwet_ac1,
    percent_agreement,
    scott_pi,
)
from .krippendorff_alpha import (
    AlphaInterval,
    coincidence_matrix,
    krippendorff_alpha,
    krippendorff_alpha_ci,
)
from .multirater_agreement import (
    FleissKappa,
    category_counts,
    conger_kappa,
    fleiss_kappa,
    fleiss_kappa_summary,
    gwet_fleiss_kappa,
    light_kappa,
    randolph_kappa,
)
from .presence_agreement import PresenceAgreement, presence_agreement
from .segment_presence import segment_presence_matrix
from .unitizing import (
    CodeUnitizingAlpha,
    UnitizingAgreement,
    UnitizingAlpha2004,
    binary_u_alpha,
    u_alpha,
    u_alpha_by_code,
    unitizing_agreement,
    unitizing_alpha_2004,
)

__all__ = [
    "AlphaInterval",
    "CodeUnitizingAlpha",
    "CohenKappa",
    "FleissKappa",
    "PresenceAgreement",
    "UnitizingAgreement",
    "UnitizingAlpha2004",
    "binary_u_alpha",
    "brennan_prediger",
    "category_counts",
    "cohen_kappa",
    "cohen_kappa_max",
    "cohen_kappa_summary",
    "coincidence_matrix",
    "conger_kappa",
    "contingency_table",
    "fleiss_kappa",
    "fleiss_kappa_summary",
    "gwet_ac1",
    "gwet_fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_ci",
    "light_kappa",
    "percent_agreement",
    "presence_agreement",
    "randolph_kappa",
    "scott_pi",
    "segment_presence_matrix",
    "u_alpha",
    "u_alpha_by_code",
    "unitizing_agreement",
    "unitizing_alpha_2004",
]
