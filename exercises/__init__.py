"""Exercise checks for the lessons: immediate, specific feedback, never a bare "wrong".

Each lesson has a module here (``exercises.lesson01`` ...) whose ``check_*`` functions a learner calls
at the end of the lesson. The reference answers live in ``exercises/solutions/``, out of the way.
"""

from exercises.feedback import Feedback, check_close, check_sf

__all__ = ["Feedback", "check_close", "check_sf"]
