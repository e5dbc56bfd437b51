"""Evidence: what inspectors record and the rules for recording it.

- ``inspections``: one inspection with its findings (`inspection_submit`), the single-item rules;
- ``batch``: the same rules for a whole batch at once, set-based (the sync and bulk clients), and added findings;
- ``photos`` and ``uploads``: attaching photos (whole or in resumable chunks) through the pure core in
  ``inspections.photos``; ``flags``: the checks that become photo flags;
- ``problem_types``: the problem catalogue of the seed notice.

Every finding stored here registers its rectification task through ``inspections.rectification.tasks`` in the same
transaction.
"""
