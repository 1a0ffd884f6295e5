from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import User


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("username"), regex=r"^[\w.@+-]{3,150}$", max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, min_length=10)
    language = forms.ChoiceField(label=_("language"), choices=User.Language.choices, initial=User.Language.ZH)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This username is taken."))
        return name


class ScopeForm(ScopedForm):
    # Only areas the administrator may manage, down to grids (scopes below a grid make no sense).
    area = ScopedModelChoiceField(
        "areas.area", perm="accounts.add_scope", queryset=Area.objects.filter(depth__lte=5), label=_("area")
    )
    role = ScopedModelChoiceField("accounts.role", label=_("role"), to_field_name="code")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=User.Language.choices)
    next = forms.CharField(required=False)
