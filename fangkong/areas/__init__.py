"""Jurisdiction tree (属地) and places on it.

The tree is one table with a materialized path (4 base-36 characters a level) rather than
django-treebeard: bulk seeding of a 2-million-resident district writes paths set-wise, and
scoping of every other table is a prefix filter on a copy of that path.
"""
