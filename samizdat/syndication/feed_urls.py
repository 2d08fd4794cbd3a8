"""Feed addresses, under each language's prefix."""

urlpatterns: list = []
