"""segcore: customer segmentation engine (loading, roles, clustering, profiles, rules, reuse).

Plain Python on pandas, numpy, scikit-learn and umap-learn; it never imports streamlit.
"""

from segcore.errors import DataError, ModelError, NotEnoughData, SegcoreError, SpecError, StoreError

__all__ = ["DataError", "ModelError", "NotEnoughData", "SegcoreError", "SpecError", "StoreError"]
