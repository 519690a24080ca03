"""The one DRF router: every /api/v1/ endpoint is registered here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
