"""The newsroom: NGO staff file visit reports and corrections, a second person reviews them.

Pages only: every write goes through visits.review (the service layer), every
permission check through core.roles.
"""
