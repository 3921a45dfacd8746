from django.contrib import admin

from .models import ProductCategory


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["code", "name", "name_en"]
