"""The near-duplicate index: each article's MinHash signature cut into LSH bands."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class ArticleBand(Base):
    """One LSH band of an article's MinHash: articles sharing a (band, bucket) are candidates."""

    __tablename__ = "article_minhash_band"
    __table_args__ = (Index("ix_article_minhash_band_band_bucket", "band", "bucket"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger)
