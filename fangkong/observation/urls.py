app_name = "observation"

urlpatterns = []
