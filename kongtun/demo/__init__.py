"""The living demo: the study's two pilot funds, generated reproducibly from a seed.

Every person is synthetic (names drawn from PyThaiNLP's name lists, IDs random with a valid
check digit). Each domain adds its own step in ``STEPS``, run in order in one transaction.
"""
